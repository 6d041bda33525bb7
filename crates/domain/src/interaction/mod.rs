//! interaction (being written).
