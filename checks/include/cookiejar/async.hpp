#pragma once
// The course's asynchronous world: coroutines on a single-threaded event loop.
//
//   cj::task<T>        a lazy coroutine. `co_await some_task()` runs it and gives its
//                      result (or rethrows its exception); `loop.spawn(task, "name")`
//                      runs it as a task of its own (for a task<T>, spawn returns a
//                      cj::future<T> of its result).
//   cj::event_loop     runs the spawned tasks one step at a time on the thread that
//                      calls run(). A step is a task running from where it was resumed
//                      to its next suspension (or its end): between two co_awaits a task
//                      is alone in the world, so plain data needs no lock.
//   virtual time       co_await cj::sleep_for(1s) parks the task on the loop's clock. When
//                      nothing is ready, the clock jumps to the next timer: a run that
//                      "takes" an hour of virtual time takes microseconds.
//   cj::promise<T> / cj::future<T>
//                      a result one task sets and others co_await.
//   cj::suspend_into(waiters) / cj::call_soon(handle)
//                      the two halves of waiting for something: park the current
//                      coroutine's handle in a list of yours, and later hand it back to
//                      the loop, which resumes it in a step of its own.
//   loop.post(fn)      the only call other threads may make: fn runs on the loop's thread.
//
// Guarantees:
//   - One step at a time, on the thread that called run(); nothing is preempted.
//   - Ready tasks run first-in, first-out, unless a chooser says otherwise: the order
//     in which ready tasks run is the one choice the loop makes, and the schedule
//     explorer (<cookiejar/async_check.hpp>) tries the other orders.
//   - run() returns when every spawned task has finished (and no thread holds a
//     post_guard). It throws cj::deadlock_error — naming each suspended task and the
//     line where it waits — when tasks are suspended, nothing is ready, no timer is
//     pending and no other thread can post: nothing could ever resume them.
//   - An exception that leaves a spawned task ends run(): run() rethrows it, and
//     failed_task() names the task.
//   - A coroutine parked by suspend_into/sleep_for/a future must be resumed by the loop.
//     Resuming it by hand from inside another task's step (handle.resume()) is
//     reported at once with cj::reentrancy_error: the resumed code would run in the
//     middle of someone else's step, with their invariants half-done.
//
// Does NOT promise:
//   - Fairness between tasks beyond FIFO order of the ready queue.
//   - Thread safety for anything but post(), post_guard and the loop's destructor running
//     after every poster has finished.

#include <cookiejar/source_location.hpp>

#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <cstdlib>
#include <cxxabi.h>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cj {

class event_loop;
template <class T>
class promise;
template <class T>
class future;

// Virtual time, counted from the start of the loop.
using virtual_duration = std::chrono::microseconds;

// run() found tasks suspended with nothing left that could resume them.
class deadlock_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A parked coroutine was resumed by hand instead of by the loop.
class reentrancy_error : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

namespace detail {

// One spawned task, as the loop sees it.
struct task_record {
    std::string name;
    std::coroutine_handle<> handle;  // the spawned coroutine's own frame; the loop destroys it
    bool finished = false;           // set by the frame's final suspend
    bool counted = false;            // the loop has seen it finish (finished_ includes it)
    std::exception_ptr exception;    // what escaped the task, if anything
    // Where it is parked, for the deadlock report: "waits in get() at file:line".
    std::string waits_for;
    source_location site;
};

struct promise_base {
    std::coroutine_handle<> continuation;  // who co_awaits this coroutine (none for a spawned task)
    std::exception_ptr exception;
    task_record* record = nullptr;  // set on spawned tasks only

    std::suspend_always initial_suspend() noexcept { return {}; }  // lazy: runs when awaited or spawned

    struct final_awaiter {
        bool await_ready() noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept {
            promise_base& p = h.promise();
            if (p.record != nullptr) {
                p.record->finished = true;
                p.record->exception = p.exception;
            }
            // Symmetric transfer: the awaiter continues in the same step.
            return p.continuation ? p.continuation : std::noop_coroutine();
        }
        void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <class T>
struct task_promise : promise_base {
    std::optional<T> value;
    template <class U>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
    T take() {
        if (exception) std::rethrow_exception(exception);
        return std::move(*value);
    }
};

template <>
struct task_promise<void> : promise_base {
    void return_void() noexcept {}
    void take() {
        if (exception) std::rethrow_exception(exception);
    }
};

inline thread_local event_loop* running_loop = nullptr;

}  // namespace detail

// task<T>: a lazy coroutine. Owns its frame; moving transfers it.
// Awaiting: `co_await f()` or `co_await std::move(t)` — each task is awaited at most once.
template <class T = void>
class [[nodiscard]] task {
public:
    struct promise_type : detail::task_promise<T> {
        task get_return_object() { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    };
    using handle_type = std::coroutine_handle<promise_type>;

    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() {
        if (handle_) handle_.destroy();
    }

    auto operator co_await() && noexcept {
        struct awaiter {
            handle_type child;
            bool await_ready() const noexcept { return !child || child.done(); }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
                child.promise().continuation = caller;
                return child;  // start the child in this same step
            }
            T await_resume() {
                if (!child) throw std::logic_error("cj::task: awaiting an empty (moved-from) task");
                return child.promise().take();
            }
        };
        return awaiter{handle_};
    }

private:
    friend class event_loop;
    explicit task(handle_type h) : handle_(h) {}
    handle_type handle_;
};

// The single-threaded event loop. See the top of this file for what it guarantees.
class event_loop {
public:
    // Picks which of the n > 1 ready entries runs next (0 = the oldest). The default is FIFO.
    using chooser = std::function<std::size_t(std::size_t n)>;

    event_loop() = default;
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;
    ~event_loop() {
        for (auto& r : records_) r->handle.destroy();
    }

    // Adds a task; it first runs when run() reaches it. May be called before run() or
    // from a task (then the new task joins the back of the ready queue).
    void spawn(task<void> t, std::string name = {}) {
        auto h = std::exchange(t.handle_, {});
        if (!h) throw std::invalid_argument("cj::event_loop::spawn: empty task");
        auto record = std::make_unique<detail::task_record>();
        record->name = name.empty() ? "task " + std::to_string(records_.size() + 1) : std::move(name);
        record->handle = h;
        h.promise().record = record.get();
        ready_.push_back({h, record.get(), {}});
        trace(record.get(), "spawned");
        records_.push_back(std::move(record));
    }

    // Spawns a task that gives a result: the future is set when the task returns, or set
    // with its exception (which then does not end run()).
    template <class T>
        requires(!std::is_void_v<T>)
    future<T> spawn(task<T> t, std::string name = {});

    // Runs until every task has finished. See the guarantees above for how it ends.
    void run() {
        if (detail::running_loop != nullptr && detail::running_loop != this)
            throw std::logic_error("cj::event_loop::run: another loop is running on this thread");
        struct current_guard {
            event_loop* previous;
            explicit current_guard(event_loop* l) : previous(std::exchange(detail::running_loop, l)) {}
            ~current_guard() { detail::running_loop = previous; }
        } guard(this);
        for (;;) {
            take_posts();
            if (!ready_.empty()) {
                step();
                continue;
            }
            if (!timers_.empty()) {
                advance_clock();
                continue;
            }
            if (unfinished() == 0 && !posts_may_come()) return;
            if (posts_may_come()) {
                wait_for_post();
                continue;
            }
            throw deadlock_error(deadlock_report());
        }
    }

    // The loop that is running on this thread (inside run()), or nullptr.
    [[nodiscard]] static event_loop* current() noexcept { return detail::running_loop; }

    // Virtual time since the loop was made.
    [[nodiscard]] virtual_duration now() const noexcept { return now_; }

    // The task whose exception ended run(), if any.
    [[nodiscard]] const std::string& failed_task() const noexcept { return failed_task_; }

    // Where that task last resumed: the line of its last suspend_into, sleep_for or yield
    // (the student's line when it waited in the jar; for a future, the line that made
    // it). The exception came from the code it ran after that, before its next co_await.
    // line() == 0 when it never waited (it threw in its first step), or when no exception
    // ended run().
    [[nodiscard]] const source_location& failed_task_resumed_at() const noexcept { return failed_site_; }

    // The order-picking policy (the explorer sets it; FIFO when empty).
    void set_chooser(chooser c) { chooser_ = std::move(c); }

    // A record of every step, for reports: who ran, and what they said (see note()).
    struct trace_event {
        std::string task;  // "" for a posted function
        std::string text;
        std::string file;  // the file of `line`, or ""
        unsigned line = 0; // the line of that file the event happened at (shown "@N"), or 0
    };
    void keep_trace(bool on) { tracing_ = on; }
    [[nodiscard]] const std::vector<trace_event>& trace_events() const noexcept { return trace_; }
    // Adds a line to the trace, in the running task's column.
    void note(std::string text) { trace(running_, std::move(text)); }
    [[nodiscard]] bool tracing() const noexcept { return tracing_; }

    // ---- for awaiters (the library's own, and advanced users') ----

    // Parks the running coroutine h: it may be resumed only by call_soon(h).
    void park(std::coroutine_handle<> h, std::string waits_for, source_location site) {
        detail::task_record* r = require_running("park");
        r->waits_for = std::move(waits_for);
        r->site = site;
        parked_[h.address()] = r;
        trace(r, r->waits_for, site.file_name(), site.line());
    }

    // Hands a parked coroutine back to the loop: it runs in a step of its own, after
    // the ones already ready.
    void call_soon(std::coroutine_handle<> h, source_location site = source_location::current()) {
        auto it = parked_.find(h.address());
        if (it == parked_.end()) {
            throw std::logic_error(std::string("cj::call_soon at ") + site.file_name() + ":" +
                                   std::to_string(site.line()) +
                                   ": that coroutine is not waiting (it was already handed back, or it never "
                                   "parked through cj::suspend_into, cj::sleep_for or a cj::future)");
        }
        detail::task_record* r = it->second;
        parked_.erase(it);
        r->waits_for.clear();
        ready_.push_back({h, r, {}});
        if (running_ != nullptr && running_ != r) trace(running_, "wakes " + r->name, site.file_name(), site.line());
    }

    // Parks h until the virtual clock reaches now() + d.
    void sleep(std::coroutine_handle<> h, virtual_duration d, source_location site) {
        detail::task_record* r = require_running("sleep_for");
        r->site = site;
        if (d <= virtual_duration::zero()) {  // a yield: to the back of the ready queue
            r->waits_for.clear();
            ready_.push_back({h, r, {}});
            trace(r, "yields", site.file_name(), site.line());
            return;
        }
        r->waits_for = "sleeps " + describe(d);
        timers_.emplace(now_ + d, entry{h, r, {}});
        trace(r, r->waits_for, site.file_name(), site.line());
    }

    // Checked by awaiters when they resume: was it the loop that resumed them?
    void check_resumed_by_loop(detail::task_record* owner, const source_location& site) const {
        if (running_ == owner) return;
        const std::string by = running_ ? running_->name : std::string("a function outside the loop");
        throw reentrancy_error(
            owner->name + " was resumed inside a step of " + by + ", not by the loop: the coroutine parked at " +
            site.file_name() + ":" + std::to_string(site.line()) + " (" + site.function_name() +
            ") ran in the middle of someone else's call. Hand it back with cj::call_soon(handle) instead of "
            "calling handle.resume().");
    }
    [[nodiscard]] detail::task_record* running_record() const noexcept { return running_; }

    // ---- other threads ----

    // Runs fn on the loop's thread, in a step of its own. Safe from any thread.
    void post(std::function<void()> fn) {
        {
            std::lock_guard<std::mutex> lock(post_mutex_);
            posted_.push_back(std::move(fn));
        }
        post_cv_.notify_one();
    }

    // While a post_guard exists, an idle run() waits for posts instead of returning or
    // reporting a deadlock. Make one per thread that will post, before run(); drop it
    // when that thread has posted its last function.
    class post_guard {
    public:
        explicit post_guard(event_loop& loop) : loop_(&loop) {
            std::lock_guard<std::mutex> lock(loop_->post_mutex_);
            ++loop_->guards_;
        }
        post_guard(post_guard&& other) noexcept : loop_(std::exchange(other.loop_, nullptr)) {}
        post_guard(const post_guard&) = delete;
        post_guard& operator=(const post_guard&) = delete;
        post_guard& operator=(post_guard&&) = delete;
        ~post_guard() { release(); }
        void post(std::function<void()> fn) { loop_->post(std::move(fn)); }
        void release() {
            if (loop_ == nullptr) return;
            {
                std::lock_guard<std::mutex> lock(loop_->post_mutex_);
                --loop_->guards_;
            }
            loop_->post_cv_.notify_one();
            loop_ = nullptr;
        }

    private:
        event_loop* loop_;
    };

private:
    struct entry {
        std::coroutine_handle<> handle;  // a coroutine to resume, or
        detail::task_record* record;
        std::function<void()> posted;    // a function posted from another thread
    };

    detail::task_record* require_running(const char* what) const {
        if (running_ == nullptr)
            throw std::logic_error(std::string("cj::") + what + ": only a task running on a cj::event_loop can wait");
        return running_;
    }

    static std::string describe(virtual_duration d) {
        const auto us = d.count();
        if (us % 1000000 == 0) return std::to_string(us / 1000000) + " s";
        if (us % 1000 == 0) return std::to_string(us / 1000) + " ms";
        return std::to_string(us) + " us";
    }

    void trace(detail::task_record* r, std::string text, const char* file = "", unsigned line = 0) {
        if (tracing_) trace_.push_back({r ? r->name : std::string(), std::move(text), file, line});
    }

    void step() {
        std::size_t pick = 0;
        if (ready_.size() > 1) {
            if (chooser_) pick = chooser_(ready_.size());
            if (pick >= ready_.size()) throw std::logic_error("cj::event_loop: the chooser picked past the ready queue");
        }
        entry e = std::move(ready_[pick]);
        ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(pick));
        if (e.posted) {
            running_ = nullptr;
            e.posted();
        } else {
            running_ = e.record;
            e.handle.resume();
            running_ = nullptr;
        }
        collect_finished();
    }

    void collect_finished() {
        for (auto& r : records_) {
            if (!r->finished || r->counted) continue;
            r->counted = true;
            ++finished_;
            trace(r.get(), r->exception ? "ends with an exception" : "done");
            if (r->exception && failed_task_.empty()) {
                failed_task_ = r->name;
                failed_site_ = r->site;
                std::rethrow_exception(r->exception);
            }
        }
    }

    void advance_clock() {
        const auto when = timers_.begin()->first;
        now_ = when;
        while (!timers_.empty() && timers_.begin()->first == when) {
            entry e = std::move(timers_.begin()->second);
            timers_.erase(timers_.begin());
            e.record->waits_for.clear();
            ready_.push_back(std::move(e));
        }
    }

    [[nodiscard]] std::size_t unfinished() const noexcept { return records_.size() - finished_; }

    void take_posts() {
        std::lock_guard<std::mutex> lock(post_mutex_);
        while (!posted_.empty()) {
            ready_.push_back({{}, nullptr, std::move(posted_.front())});
            posted_.pop_front();
        }
    }
    [[nodiscard]] bool posts_may_come() {
        std::lock_guard<std::mutex> lock(post_mutex_);
        return guards_ > 0 || !posted_.empty();
    }
    void wait_for_post() {
        std::unique_lock<std::mutex> lock(post_mutex_);
        post_cv_.wait(lock, [&] { return !posted_.empty() || guards_ == 0; });
    }

    [[nodiscard]] std::string deadlock_report() const {
        const bool one = unfinished() == 1;
        std::string out = "deadlock: " + std::to_string(unfinished()) + (one ? " task is" : " tasks are") +
                          " suspended and nothing can resume " + (one ? "it" : "them") +
                          " (no task is ready, no timer is pending, no other thread can post):\n";
        for (const auto& r : records_) {
            if (r->finished) continue;
            out += "  " + r->name + " " + (r->waits_for.empty() ? std::string("waits") : r->waits_for);
            if (r->site.line() != 0) {
                out += " at ";
                out += r->site.file_name();
                out += ":" + std::to_string(r->site.line());
            }
            out += "\n";
        }
        return out;
    }

    // Guarded by nothing: touched only by the thread inside run() (or before it).
    std::vector<std::unique_ptr<detail::task_record>> records_;  // every spawned task, in spawn order
    std::deque<entry> ready_;                                    // runs front first unless chooser_ says otherwise
    std::multimap<virtual_duration, entry> timers_;              // equal times keep their order
    std::unordered_map<void*, detail::task_record*> parked_;     // coroutine frame -> its task; only call_soon takes one out
    detail::task_record* running_ = nullptr;                     // the task in its step, or nullptr
    std::size_t finished_ = 0;                                   // <= records_.size()
    virtual_duration now_{0};                                    // only ever grows
    chooser chooser_;
    bool tracing_ = false;
    std::vector<trace_event> trace_;
    std::string failed_task_;
    source_location failed_site_;  // failed_task_'s last suspension (line 0: none); set with failed_task_

    // Shared with other threads: guarded by post_mutex_.
    std::mutex post_mutex_;
    std::condition_variable post_cv_;  // signalled on every post and every released guard
    std::deque<std::function<void()>> posted_;
    int guards_ = 0;  // live post_guards; >= 0
};

namespace detail {
inline event_loop& loop_for(const char* what) {
    event_loop* loop = event_loop::current();
    if (loop == nullptr)
        throw std::logic_error(std::string("cj::") + what + ": no cj::event_loop is running on this thread");
    return *loop;
}
}  // namespace detail

// co_await cj::suspend_into(waiters): parks the calling coroutine and appends its handle
// to `waiters` (any container with push_back, e.g. std::deque<std::coroutine_handle<>>).
// Someone must later take it out and hand it to cj::call_soon; until then it sleeps.
template <class Container>
auto suspend_into(Container& waiters, source_location site = source_location::current()) {
    struct awaiter {
        Container& list;
        source_location site;
        detail::task_record* owner = nullptr;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) {
            event_loop& loop = detail::loop_for("suspend_into");
            owner = loop.running_record();
            loop.park(h, std::string("waits in ") + site.function_name() + "()", site);
            list.push_back(h);
        }
        void await_resume() const { detail::loop_for("suspend_into").check_resumed_by_loop(owner, site); }
    };
    return awaiter{waiters, site};
}

// Adds a line to the running loop's trace (the schedule explorer's report), in the
// running task's column. Does nothing when no loop runs or the loop keeps no trace.
inline void note(const std::string& text) {
    if (event_loop* loop = event_loop::current(); loop != nullptr && loop->tracing()) loop->note(text);
}

// Hands a coroutine parked by suspend_into back to the running loop (asyncio's call_soon).
inline void call_soon(std::coroutine_handle<> h, source_location site = source_location::current()) {
    detail::loop_for("call_soon").call_soon(h, site);
}

// co_await cj::sleep_for(d): parks the task for d of virtual time.
template <class Rep, class Period>
auto sleep_for(std::chrono::duration<Rep, Period> d, source_location site = source_location::current()) {
    struct awaiter {
        virtual_duration d;
        source_location site;
        detail::task_record* owner = nullptr;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) {
            event_loop& loop = detail::loop_for("sleep_for");
            owner = loop.running_record();
            loop.sleep(h, d, site);
        }
        void await_resume() const { detail::loop_for("sleep_for").check_resumed_by_loop(owner, site); }
    };
    if (d < d.zero()) d = d.zero();
    return awaiter{std::chrono::ceil<virtual_duration>(d), site};
}

// co_await cj::yield(): goes to the back of the ready queue, so every task that is
// ready now may run first (asyncio.sleep(0)). No virtual time passes.
inline auto yield(source_location site = source_location::current()) {
    return sleep_for(virtual_duration::zero(), site);
}

// ---- futures ----

template <class T>
class future;

namespace detail {
template <class T>
struct shared_result {
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
    std::exception_ptr exception;
    std::vector<std::coroutine_handle<>> waiters;  // parked on the loop; resumed by set_*
    bool future_taken = false;
    source_location made_at;  // where get_future() was called: the deadlock report names it
    [[nodiscard]] bool ready() const noexcept { return value.has_value() || exception != nullptr; }
    void wake(source_location site) {
        for (auto h : std::exchange(waiters, {})) loop_for("promise").call_soon(h, site);
    }
};
}  // namespace detail

// promise<T>: the setting half. Set a value (or an exception) once; every task that
// co_awaits the future is handed back to the loop. Loop-thread only.
template <class T = void>
class promise {
public:
    promise() : state_(std::make_shared<detail::shared_result<T>>()) {}

    [[nodiscard]] future<T> get_future(source_location site = source_location::current()) {
        if (state_->future_taken) throw std::logic_error("cj::promise::get_future: called twice");
        state_->future_taken = true;
        state_->made_at = site;
        return future<T>(state_);
    }

    template <class U = T>
        requires(!std::is_void_v<U>)
    void set_value(U value, source_location site = source_location::current()) {
        check_unset();
        state_->value.emplace(std::move(value));
        state_->wake(site);
    }
    template <class U = T>
        requires std::is_void_v<U>
    void set_value(source_location site = source_location::current()) {
        check_unset();
        state_->value.emplace(true);
        state_->wake(site);
    }
    void set_exception(std::exception_ptr e, source_location site = source_location::current()) {
        check_unset();
        state_->exception = std::move(e);
        state_->wake(site);
    }

private:
    void check_unset() const {
        if (state_->ready()) throw std::logic_error("cj::promise: the result was already set");
    }
    std::shared_ptr<detail::shared_result<T>> state_;
};

// future<T>: the awaiting half. `co_await fut` gives the value (or rethrows), waiting
// on the loop until the promise is set. Any number of tasks may await it; each gets a copy
// (T must be copyable when more than one task awaits).
template <class T = void>
class future {
public:
    [[nodiscard]] bool ready() const noexcept { return state_->ready(); }

    auto operator co_await() const noexcept {
        struct awaiter {
            std::shared_ptr<detail::shared_result<T>> state;
            detail::task_record* owner = nullptr;
            bool await_ready() const noexcept { return state->ready(); }
            void await_suspend(std::coroutine_handle<> h) {
                event_loop& loop = detail::loop_for("future");
                owner = loop.running_record();
                loop.park(h, "waits for the future made", state->made_at);
                state->waiters.push_back(h);
            }
            T await_resume() const {
                if (owner != nullptr) detail::loop_for("future").check_resumed_by_loop(owner, state->made_at);
                if (state->exception) std::rethrow_exception(state->exception);
                if constexpr (!std::is_void_v<T>) return *state->value;
            }
        };
        return awaiter{state_};
    }

private:
    friend class promise<T>;
    explicit future(std::shared_ptr<detail::shared_result<T>> s) : state_(std::move(s)) {}
    std::shared_ptr<detail::shared_result<T>> state_;
};

template <class T>
    requires(!std::is_void_v<T>)
future<T> event_loop::spawn(task<T> t, std::string name) {
    promise<T> result;
    future<T> f = result.get_future();
    spawn([](task<T> t, promise<T> result) -> task<void> {
        std::exception_ptr failure;
        try {
            result.set_value(co_await std::move(t));
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) result.set_exception(failure);
    }(std::move(t), std::move(result)), std::move(name));
    return f;
}

namespace detail {
// The exception's own type, as a reader writes it ("std::bad_optional_access"): what()
// alone ("bad optional access") often does not say which call failed.
inline std::string type_name(const std::exception& e) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled != nullptr ? demangled : typeid(e).name();
    std::free(demangled);
    return name;
}
}  // namespace detail

// An exception that ended loop.run(), in words, with the line its task last resumed at
// (what() alone names no line): "consumer 1 ended with an exception,
// std::bad_optional_access: bad optional access. It was thrown after consumer 1 resumed
// at lessons/05-async/bounded_buffer.hpp:58 (get) and before its next co_await".
inline std::string escaped_exception(const event_loop& loop, const std::exception& e) {
    const std::string who = loop.failed_task().empty() ? std::string("a task") : loop.failed_task();
    const source_location& at = loop.failed_task_resumed_at();
    std::string text = who + " ended with an exception, " + detail::type_name(e) + ": " + e.what() + ". ";
    if (at.line() == 0) return text + "It was thrown in " + who + "'s first step, before its first co_await";
    return text + "It was thrown after " + who + " resumed at " + at.file_name() + ":" + std::to_string(at.line()) +
           " (" + at.function_name() + ") and before its next co_await";
}

}  // namespace cj
