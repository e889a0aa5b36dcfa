#pragma once
// The two searches of <cookiejar/model_check.hpp>, as Relacy schedulers that differ from
// Relacy's own (context_bound_scheduler, random_scheduler) in one rule only: when a
// timed wait may end by its timeout. Part of <cookiejar/model_check.hpp>; not for direct
// inclusion. docs/how-the-checks-work.md ("Timed waits") says why.
//
// Relacy's schedulers let a thread blocked in a timed wait time out at every scheduling
// point. In the bounded search such a timeout is free whenever the running thread has just
// blocked (it costs no preemption), so two threads polling with wait_for hand timeouts
// to each other without end: the search tree has no bottom and runs until the watchdog.
// Here, time passes only when it must: a timed waiter times out (by the scheduler) only
// when no thread can run. The other timeout, the one that comes while other threads run,
// is a choice the calling thread makes at the wait (cj::model::detail::timing), bounded
// per schedule like a preemption, so every schedule is finite and a prefix of choices
// always replays in the same order.
//
// Guarantee: the same searches as Relacy's (same tree, same preemption bound, same random
// choices) for a program without timed waits. Invariant: a timed waiter is a candidate of
// the scheduler only while running_threads_count == 0.

#include <relacy/context_bound_scheduler.hpp>
#include <relacy/random_scheduler.hpp>

namespace cj::model::detail {

// Exhaustive search of every schedule with at most context_bound preemptions
// (rl::context_bound_scheduler, with the timed-wait rule above).
template <rl::thread_id_t thread_count>
class bounded_scheduler
    : public rl::tree_search_scheduler<bounded_scheduler<thread_count>,
                                       rl::context_bound_scheduler_thread_info<thread_count>, thread_count> {
public:
    using base_t = rl::tree_search_scheduler<bounded_scheduler<thread_count>,
                                             rl::context_bound_scheduler_thread_info<thread_count>, thread_count>;
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;

    bounded_scheduler(rl::test_params& params, shared_context_t& ctx, rl::thread_id_t dynamic_thread_count)
        : base_t(params, ctx, dynamic_thread_count) {}

    rl::thread_id_t iteration_begin_impl() {
        switches_remain_ = this->params_.context_bound;
        return base_t::iteration_begin_impl();
    }
    bool can_switch(thread_info_t& t) {
        t.sched_count_ += 1;
        return switches_remain_ != 0;
    }
    void on_switch(thread_info_t& t) {
        if (t.state_ == rl::thread_state_running) {
            RL_VERIFY(switches_remain_);
            switches_remain_ -= 1;
        } else {
            t.forced_context_switch_count_ += 1;
        }
    }
    double iteration_count_approx() { return 1.0; }

    // rl::tree_search_scheduler::schedule_impl, but a timed waiter is offered only when no
    // thread runs (then one of them must time out, or it is a deadlock).
    rl::thread_id_t schedule_impl(rl::unpark_reason& reason, unsigned yield) {
        thread_info_t& t = *this->thread_;
        const rl::thread_id_t& running = this->running_threads_count;
        if (t.total_yield_priority_) {
            for (rl::thread_id_t i = 0; i != thread_count; ++i) {
                unsigned& prio = t.yield_priority_[i];
                if (prio) {
                    prio -= 1;
                    t.total_yield_priority_ -= 1;
                    if (0 == prio) this->unblock_thread(i);
                }
                t.yield_sched_count_[i] += 1;
            }
        }
        if (yield) this->yield_priority(yield);

        reason = rl::unpark_reason_normal;
        rl::thread_id_t next = 0;
        if (can_switch(t) || t.state_ != rl::thread_state_running) {
            // A thread held back only by another's yield (Relacy's fairness for spin loops)
            // can run when nobody else can: a thread that finished does not purge those.
            if (running == 0) this->purge_blocked_threads();
            if (running == 0 && this->timed_thread_count_ != 0) {
                // Nobody can run: time passes, and one of the timed waiters times out.
                const rl::thread_id_t idx = this->rand(this->timed_thread_count_, rl::sched_type_user);
                thread_info_t* thr = this->timed_threads_[idx];
                next = thr->index_;
                if (1 == thr->block_count_) {
                    this->unpark_thread(next);
                    reason = rl::unpark_reason_timeout;
                }
            }
            RL_VERIFY(running);
            if (rl::unpark_reason_normal == reason && this->spurious_thread_count_ != 0) {
                const rl::thread_id_t count = this->spurious_thread_count_;
                const rl::thread_id_t idx = this->rand(count + 1, rl::sched_type_user);
                if (idx < count) {
                    thread_info_t* thr = this->spurious_threads_[idx];
                    next = thr->index_;
                    if (1 == thr->block_count_) {
                        this->unpark_thread(next);
                        reason = rl::unpark_reason_spurious;
                    }
                }
            }
            if (rl::unpark_reason_normal == reason) {
                next = running != 1 ? this->running_threads[this->rand(running, rl::sched_type_sched)]
                                    : this->running_threads[0];
            }
        } else {
            next = t.index_;
        }
        if (t.index_ != next) on_switch(t);
        return next;
    }

private:
    unsigned switches_remain_ = 0;
};

// Seeded random schedules (rl::random_scheduler, with the timed-wait rule above).
template <rl::thread_id_t thread_count>
class random_scheduler
    : public rl::scheduler<random_scheduler<thread_count>, rl::scheduler_thread_info, thread_count> {
public:
    using base_t = rl::scheduler<random_scheduler<thread_count>, rl::scheduler_thread_info, thread_count>;
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;
    struct task_t {};

    random_scheduler(rl::test_params& params, shared_context_t& ctx, rl::thread_id_t dynamic_thread_count)
        : base_t(params, ctx, dynamic_thread_count) {}

    rl::thread_id_t iteration_begin_impl() {
        rand_.seed(this->iter_);
        rl::unpark_reason reason;
        return schedule_impl(reason, 0);
    }
    bool iteration_end_impl() { return this->iter_ == this->params_.iteration_count; }

    rl::thread_id_t schedule_impl(rl::unpark_reason& reason, unsigned /*yield*/) {
        const rl::thread_id_t running = this->running_threads_count;
        if (running == 0 && this->timed_thread_count_ != 0) {
            // Nobody can run: one of the timed waiters times out.
            thread_info_t* thr = this->timed_threads_[rand_.rand() % this->timed_thread_count_];
            RL_VERIFY(1 == thr->block_count_);
            this->unpark_thread(thr->index_);
            reason = rl::unpark_reason_timeout;
            return thr->index_;
        }
        const rl::thread_id_t spurious = this->spurious_thread_count_;
        if (spurious && running) {
            const rl::thread_id_t idx = rand_.rand() % (spurious * 8);
            if (idx < spurious) {
                thread_info_t* thr = this->spurious_threads_[idx];
                RL_VERIFY(1 == thr->block_count_);
                this->unpark_thread(thr->index_);
                reason = rl::unpark_reason_spurious;
                return thr->index_;
            }
        }
        RL_VERIFY(running);
        reason = rl::unpark_reason_normal;
        return this->running_threads[rand_.rand() % running];
    }

    unsigned rand_impl(unsigned limit, rl::sched_type) { return rand_.rand() % limit; }
    rl::iteration_t iteration_count_impl() { return this->params_.iteration_count; }
    void get_state_impl(std::ostream&) {}
    void set_state_impl(std::istream&) {}
    void on_thread_block(rl::thread_id_t, bool) {}

private:
    rl::random_generator rand_;
};

}  // namespace cj::model::detail
