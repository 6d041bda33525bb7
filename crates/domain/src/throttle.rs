//! Login throttling, decided here and counted in the database (so it holds across nodes).
//!
//! Every attempt is counted **before** the password is checked, by key: the pair (account, address)
//! and the address alone. Past the allowance the attempt is refused unevaluated, and the wait grows
//! with every further attempt (30 s, 60 s, 120 s … up to an hour), so a guesser at one address is
//! slowed to nothing, while nobody can lock an account for its owner: the owner's own address has
//! its own count.

/// Attempts allowed per (account, address) before the waits begin.
pub const PER_ACCOUNT_AND_ADDRESS: u32 = 5;
/// Attempts allowed per address, over all accounts.
pub const PER_ADDRESS: u32 = 30;
/// Seconds of quiet after which a key's count starts again.
pub const QUIET_SECONDS: i64 = 15 * 60;
const FIRST_WAIT: i64 = 30;
const LONGEST_WAIT: i64 = 3600;

/// What to do with an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Check the password.
    Evaluate,
    /// The count had expired: start it again at one, then check the password.
    Restart,
    /// Refuse without checking; try again after this many seconds.
    Refuse { retry_after: i64 },
}

/// The wait owed after `k` attempts under an allowance: none before the allowance is used, then
/// 30 s, doubling with every further attempt, at most an hour.
pub fn wait_after(k: u32, allowance: u32) -> i64 {
    if k < allowance {
        return 0;
    }
    let doublings = (k - allowance).min(20);
    (FIRST_WAIT << doublings).min(LONGEST_WAIT)
}

/// `n`: the key's count including this attempt; `since_previous`: seconds since its previous attempt.
/// A refused attempt counts too, so hammering only lengthens the wait.
pub fn decide(n: u32, allowance: u32, since_previous: i64) -> Decision {
    if n <= 1 {
        Decision::Evaluate
    } else if since_previous >= QUIET_SECONDS {
        Decision::Restart
    } else if n <= allowance || since_previous >= wait_after(n - 1, allowance) {
        Decision::Evaluate
    } else {
        Decision::Refuse { retry_after: wait_after(n, allowance) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_attempts_are_evaluated_then_the_waits_grow() {
        for n in 1..=5 {
            assert_eq!(decide(n, PER_ACCOUNT_AND_ADDRESS, 0), Decision::Evaluate, "{n}");
        }
        assert_eq!(decide(6, 5, 0), Decision::Refuse { retry_after: 60 });
        assert_eq!(decide(7, 5, 0), Decision::Refuse { retry_after: 120 });
        // 60 at once from one address: the first five evaluated, none after.
        assert_eq!(
            (1..=60)
                .filter(|n| decide(*n, 5, 0) != Decision::Evaluate && decide(*n, 5, 0) != Decision::Restart)
                .count(),
            55
        );
        assert_eq!(decide(40, 5, 0), Decision::Refuse { retry_after: 3600 });
        assert_eq!(decide(u32::MAX, 5, 0), Decision::Refuse { retry_after: 3600 });
    }

    #[test]
    fn waiting_out_the_wait_or_a_quiet_quarter_hour_starts_again() {
        // After the 5th a 30 s wait: the 6th, 31 s later, is evaluated (one try); after it, 60 s.
        assert_eq!(decide(6, 5, 31), Decision::Evaluate);
        assert_eq!(decide(6, 5, 29), Decision::Refuse { retry_after: 60 });
        assert_eq!(decide(7, 5, 59), Decision::Refuse { retry_after: 120 });
        assert_eq!(decide(7, 5, 61), Decision::Evaluate);
        assert_eq!(decide(3, 5, QUIET_SECONDS), Decision::Restart);
        assert_eq!(decide(3, 5, 10), Decision::Evaluate);
    }
}
