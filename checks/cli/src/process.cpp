#include "process.hpp"

#include <cookiejar/detail/bounded_output.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace cookiejar {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::optional<std::filesystem::path> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t from = 0;
  while (from <= dirs.size()) {
    const auto colon = dirs.find(':', from);
    const std::string dir = dirs.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
    if (!dir.empty()) {
      const auto candidate = std::filesystem::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  return std::nullopt;
}

process_result run_process(const std::vector<std::string>& argv_in, const process_options& options) {
  process_result result;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const auto& extra : options.environment) {
    const auto name = extra.substr(0, extra.find('=') + 1);
    std::erase_if(env, [&](const std::string& e) { return e.rfind(name, 0) == 0; });
    env.push_back(extra);
  }
  auto argv_c = c_strings(argv);
  auto env_c = c_strings(env);

  int pipe_fds[2] = {-1, -1};
  if (!options.pass_through && ::pipe(pipe_fds) != 0) {
    result.exit_code = 127;
    result.output = std::string("cannot make a pipe: ") + std::strerror(errno);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!options.pass_stdin) posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!options.pass_through) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  }
  if (!options.working_directory.empty()) {
    // glibc 2.29+: change directory in the child only.
    posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  // A child with the terminal's stdin stays in our process group, so Ctrl-C reaches it
  // and a step-by-step replay can read the keyboard.
  if (!options.pass_stdin) flags |= POSIX_SPAWN_SETPGROUP;
  posix_spawnattr_setflags(&attributes, flags);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, argv_c[0], &actions, &attributes, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (!options.pass_through) ::close(pipe_fds[1]);
  if (spawned != 0) {
    if (!options.pass_through) ::close(pipe_fds[0]);
    result.exit_code = 127;
    result.output = "cannot run " + argv.front() + ": " + std::strerror(spawned);
    return result;
  }

  // Read until the child closes its end (or the limit passes).
  cj::detail::bounded_output kept(options.keep_bytes);
  const auto finish = [&] {
    result.output = kept.text();
    result.output_bytes = kept.total();
    result.seconds = elapsed();
  };
  if (!options.pass_through) {
    char buffer[65536];
    for (;;) {
      int wait_ms = -1;
      if (options.timeout_seconds > 0) {
        const double left = options.timeout_seconds - elapsed();
        if (left <= 0) {
          result.timed_out = true;
          break;
        }
        wait_ms = static_cast<int>(left * 1000) + 1;
      }
      pollfd p{pipe_fds[0], POLLIN, 0};
      const int ready = ::poll(&p, 1, wait_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) continue;  // the limit is checked at the top
      const auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      kept.add(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }
  int status = 0;
  if (result.timed_out) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  } else if (options.timeout_seconds > 0) {
    // The output is closed; the child is exiting. Still honour the limit.
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (elapsed() > options.timeout_seconds) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        break;
      }
      ::usleep(5000);
    }
    if (!result.timed_out) {
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (!options.pass_through) ::close(pipe_fds[0]);
      finish();
      return result;
    }
  }
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!options.pass_through) ::close(pipe_fds[0]);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  finish();
  return result;
}

}  // namespace cookiejar
