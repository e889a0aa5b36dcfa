#pragma once
// Judging a small concurrent history of a bounded FIFO buffer: is it linearizable?
//
// A history is the list of calls the threads made, each with its result and the
// logical times it began and ended. It is linearizable when the calls can be put in
// one order that (a) keeps every call that ended before another began before it, and
// (b) gives every call the result a one-thread bounded FIFO of the same capacity
// would give. The search is the classic depth-first one over the calls that may come
// next; model-check scenarios have at most `max_ops` calls, so it is cheap.
//
// Fixed-size storage only: the model checker runs this inside a simulation, where
// heap use is tracked.

#include <cstddef>
#include <cstdio>

namespace cj::fifo {

enum class call : unsigned char { put, get, size, close };

// How put and get answer when they cannot act at once:
//   try_calls       try_put is false on a full jar, try_get is nullopt on an empty one (lessons 01-02);
//   blocking_calls  put and get wait instead, so a completed put found room and a completed
//                   get found a cookie — unless the jar was closed: then put is false, and get
//                   is nullopt once the jar is closed AND empty (lessons 03-04).
enum class semantics : unsigned char { try_calls, blocking_calls };

struct op {
    call what = call::put;
    int thread = 0;
    int value = 0;      // put: the value put; get: the value got (if ok); size: the size read
    bool ok = false;    // put: true if it was put; get: true if a value came back
    unsigned begin = 0;
    unsigned end = 0;   // 0 while the call is still running
};

template <std::size_t MaxOps = 12>
class history {
public:
    static constexpr std::size_t max_ops = MaxOps;

    explicit history(semantics s = semantics::try_calls) : semantics_(s) {}

    // Record the start of a call; returns its index for finish().
    std::size_t start(call what, int thread, int value = 0) {
        ops_[count_] = op{what, thread, value, false, ++clock_, 0};
        return count_++;
    }
    void finish(std::size_t i, bool ok, int value = 0) {
        ops_[i].ok = ok;
        if (ops_[i].what != call::put) ops_[i].value = value;
        ops_[i].end = ++clock_;
    }

    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] const op& operator[](std::size_t i) const { return ops_[i]; }

    // True if some order of the calls explains every result (see above).
    [[nodiscard]] bool linearizable(std::size_t capacity) const {
        model m{};
        m.capacity = capacity;
        m.blocking = semantics_ == semantics::blocking_calls;
        bool done[MaxOps] = {};
        return search(m, done, 0);
    }

    // One line per call, for failure messages: "producer 0: try_put(1) -> true [1..4]".
    template <class Names>
    void describe(char* out, std::size_t n, const Names& thread_names) const {
        if (n > 0) out[0] = '\0';  // an empty history describes as ""
        std::size_t used = 0;
        for (std::size_t i = 0; i < count_ && used < n; ++i) {
            const op& o = ops_[i];
            int w = 0;
            const char* who = thread_names[static_cast<std::size_t>(o.thread)];
            const char* prefix = semantics_ == semantics::try_calls ? "try_" : "";
            switch (o.what) {
                case call::put:
                    w = std::snprintf(out + used, n - used, "\n    %s: %sput(%d) -> %s", who, prefix, o.value,
                                      o.ok ? "true" : "false");
                    break;
                case call::get:
                    if (o.ok) w = std::snprintf(out + used, n - used, "\n    %s: %sget() -> %d", who, prefix, o.value);
                    else w = std::snprintf(out + used, n - used, "\n    %s: %sget() -> nullopt", who, prefix);
                    break;
                case call::close:
                    w = std::snprintf(out + used, n - used, "\n    %s: close()", who);
                    break;
                case call::size:
                    w = std::snprintf(out + used, n - used, "\n    %s: size() -> %d", who, o.value);
                    break;
            }
            if (w < 0) break;
            used += static_cast<std::size_t>(w);
        }
    }

private:
    struct model {  // a one-thread bounded FIFO
        int items[MaxOps] = {};
        std::size_t head = 0, count = 0, capacity = 0;
        bool blocking = false;
        bool closed = false;
    };

    // Applies o to m if the result matches what m would answer. A blocking call that
    // could not act here cannot be placed here.
    static bool apply(model& m, const op& o) {
        switch (o.what) {
            case call::put:
                if (m.closed) return !o.ok;
                if (m.count == m.capacity) return !m.blocking && !o.ok;
                if (!o.ok) return false;
                m.items[(m.head + m.count) % MaxOps] = o.value;
                ++m.count;
                return true;
            case call::get:
                if (m.count == 0) return !o.ok && (!m.blocking || m.closed);
                if (!o.ok || m.items[m.head] != o.value) return false;
                m.head = (m.head + 1) % MaxOps;
                --m.count;
                return true;
            case call::size:
                return static_cast<std::size_t>(o.value) == m.count;
            case call::close:
                m.closed = true;
                return true;
        }
        return false;
    }

    bool search(const model& m, bool* done, std::size_t placed) const {
        if (placed == count_) return true;
        for (std::size_t i = 0; i < count_; ++i) {
            if (done[i] || !may_come_next(done, i)) continue;
            model next = m;
            if (!apply(next, ops_[i])) continue;
            done[i] = true;
            const bool ok = search(next, done, placed + 1);
            done[i] = false;
            if (ok) return true;
        }
        return false;
    }
    // i may be placed next if no other unplaced call ended before i began.
    bool may_come_next(const bool* done, std::size_t i) const {
        for (std::size_t j = 0; j < count_; ++j) {
            if (j != i && !done[j] && ops_[j].end != 0 && ops_[j].end < ops_[i].begin) return false;
        }
        return true;
    }

    semantics semantics_;
    // Plain arrays, not std::array: the model scenarios are compiled at -O0, where each
    // std::array subscript is a call, and this search runs after every schedule.
    op ops_[MaxOps] = {};
    std::size_t count_ = 0;
    unsigned clock_ = 0;  // logical time: one tick per call start or end
};

}  // namespace cj::fifo
