#pragma once
// std::lock_guard, std::unique_lock and std::scoped_lock specialised for cj::mutex
// in the stress and model backends.
//
// Why: the backends record *where* a mutex was locked, so that a watchdog report or a
// model-checker interleaving points at the student's line. A default argument on
// cj::mutex::lock() would record a line inside <mutex> whenever a standard lock
// calls it; these specialisations take the location where the student constructs
// the lock, and otherwise behave exactly like the standard templates
// ([thread.lock.guard], [thread.lock.unique], [thread.lock.scoped]).
//
// Requires: cj::mutex declares lock/try_lock/unlock taking a cj::source_location.

#include <mutex>
#include <system_error>
#include <utility>

#include <cookiejar/source_location.hpp>

namespace std {

template <>
class lock_guard<cj::mutex> {
public:
    using mutex_type = cj::mutex;

    explicit lock_guard(mutex_type& m, cj::source_location loc = cj::source_location::current())
        : m_(m), loc_(loc) {
        m_.lock(loc_);
    }
    lock_guard(mutex_type& m, std::adopt_lock_t, cj::source_location loc = cj::source_location::current()) noexcept
        : m_(m), loc_(loc) {}
    ~lock_guard() { m_.unlock(loc_); }

    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;

private:
    mutex_type& m_;
    cj::source_location loc_;  // where the guard was made; the unlock is reported there too
};

template <>
class scoped_lock<cj::mutex> {
public:
    using mutex_type = cj::mutex;

    explicit scoped_lock(mutex_type& m, cj::source_location loc = cj::source_location::current())
        : m_(m), loc_(loc) {
        m_.lock(loc_);
    }
    scoped_lock(std::adopt_lock_t, mutex_type& m, cj::source_location loc = cj::source_location::current()) noexcept
        : m_(m), loc_(loc) {}
    ~scoped_lock() { m_.unlock(loc_); }

    scoped_lock(const scoped_lock&) = delete;
    scoped_lock& operator=(const scoped_lock&) = delete;

private:
    mutex_type& m_;
    cj::source_location loc_;
};

template <>
class unique_lock<cj::mutex> {
public:
    using mutex_type = cj::mutex;

    unique_lock() noexcept = default;
    explicit unique_lock(mutex_type& m, cj::source_location loc = cj::source_location::current())
        : m_(&m), loc_(loc) {
        m_->lock(loc_);
        owns_ = true;
    }
    unique_lock(mutex_type& m, std::defer_lock_t, cj::source_location loc = cj::source_location::current()) noexcept
        : m_(&m), loc_(loc) {}
    unique_lock(mutex_type& m, std::try_to_lock_t, cj::source_location loc = cj::source_location::current())
        : m_(&m), loc_(loc) {
        owns_ = m_->try_lock(loc_);
    }
    unique_lock(mutex_type& m, std::adopt_lock_t, cj::source_location loc = cj::source_location::current()) noexcept
        : m_(&m), owns_(true), loc_(loc) {}

    ~unique_lock() {
        if (owns_) m_->unlock(loc_);
    }

    unique_lock(const unique_lock&) = delete;
    unique_lock& operator=(const unique_lock&) = delete;

    unique_lock(unique_lock&& other) noexcept
        : m_(std::exchange(other.m_, nullptr)), owns_(std::exchange(other.owns_, false)), loc_(other.loc_) {}
    unique_lock& operator=(unique_lock&& other) noexcept {
        if (this != &other) {
            if (owns_) m_->unlock(loc_);
            m_ = std::exchange(other.m_, nullptr);
            owns_ = std::exchange(other.owns_, false);
            loc_ = other.loc_;
        }
        return *this;
    }

    void lock(cj::source_location loc = cj::source_location::current()) {
        check_can_lock();
        loc_ = loc;
        m_->lock(loc_);
        owns_ = true;
    }
    bool try_lock(cj::source_location loc = cj::source_location::current()) {
        check_can_lock();
        loc_ = loc;
        owns_ = m_->try_lock(loc_);
        return owns_;
    }
    void unlock(cj::source_location loc = cj::source_location::current()) {
        if (!owns_) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
        m_->unlock(loc);
        owns_ = false;
    }

    void swap(unique_lock& other) noexcept {
        std::swap(m_, other.m_);
        std::swap(owns_, other.owns_);
        std::swap(loc_, other.loc_);
    }
    mutex_type* release() noexcept {
        owns_ = false;
        return std::exchange(m_, nullptr);
    }

    [[nodiscard]] bool owns_lock() const noexcept { return owns_; }
    explicit operator bool() const noexcept { return owns_; }
    [[nodiscard]] mutex_type* mutex() const noexcept { return m_; }

    // Where this lock was last taken (used by cj::condition_variable to report the wait).
    [[nodiscard]] cj::source_location where() const noexcept { return loc_; }

private:
    void check_can_lock() const {
        if (m_ == nullptr) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
        if (owns_) throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
    }

    mutex_type* m_ = nullptr;
    bool owns_ = false;  // invariant: owns_ implies m_ != nullptr and this thread holds *m_
    cj::source_location loc_{};
};

inline void swap(unique_lock<cj::mutex>& a, unique_lock<cj::mutex>& b) noexcept { a.swap(b); }

}  // namespace std
