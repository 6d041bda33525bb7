//! org (being written).
