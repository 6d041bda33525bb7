//! livelihood (being written).
