#pragma once
// What a program printed, kept within a bound: its first `keep` bytes and its last
// `keep` bytes, and how many were cut in between. Printing is how students debug, so a
// check's output is never a reason to fail or to slow down, and no record, report or
// grade file grows with it.
//
// Invariant: head_.size() <= keep_; tail_ is a ring of at most keep_ bytes holding the
// newest bytes once the head is full; total_ counts every byte ever added.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace cj::detail {

class bounded_output {
public:
    static constexpr std::size_t default_keep = 16 * 1024;

    explicit bounded_output(std::size_t keep = default_keep) : keep_(keep) {}

    void add(std::string_view bytes) {
        total_ += bytes.size();
        if (head_.size() < keep_) {
            const auto n = std::min(bytes.size(), keep_ - head_.size());
            head_.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
        if (keep_ == 0 || bytes.empty()) return;
        if (bytes.size() >= keep_) {
            ring_.assign(bytes.substr(bytes.size() - keep_));
            next_ = 0;
            return;
        }
        if (ring_.size() < keep_) {  // not full yet: the oldest byte is at 0
            const auto n = std::min(bytes.size(), keep_ - ring_.size());
            ring_.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
        while (!bytes.empty()) {  // full: overwrite from the oldest byte on
            const auto n = std::min(bytes.size(), keep_ - next_);
            ring_.replace(next_, n, bytes.substr(0, n));
            next_ = (next_ + n) % keep_;
            bytes.remove_prefix(n);
        }
    }

    [[nodiscard]] const std::string& head() const { return head_; }
    // The newest bytes after the head (at most keep), oldest first.
    [[nodiscard]] std::string tail() const {
        if (ring_.size() < keep_ || next_ == 0) return ring_;
        return ring_.substr(next_) + ring_.substr(0, next_);
    }
    [[nodiscard]] std::size_t total() const { return total_; }
    [[nodiscard]] std::size_t cut() const { return total_ - head_.size() - ring_.size(); }
    [[nodiscard]] std::size_t keep() const { return keep_; }

    // Head, a line saying how much was cut (when something was), tail.
    [[nodiscard]] std::string text() const { return joined(head_, tail(), cut()); }
    [[nodiscard]] static std::string joined(const std::string& head, const std::string& tail, std::size_t cut) {
        if (cut == 0) return head + tail;
        std::string out = head;
        if (!out.empty() && out.back() != '\n') out += '\n';
        out += "[... " + std::to_string(cut) + " bytes of output cut here; the first and last " +
               std::to_string(head.size() > tail.size() ? head.size() : tail.size()) + " are kept ...]\n";
        return out + tail;
    }

private:
    std::size_t keep_;
    std::string head_;
    std::string ring_;
    std::size_t next_ = 0;
    std::size_t total_ = 0;
};

}  // namespace cj::detail
