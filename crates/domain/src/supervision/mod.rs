//! supervision (being written).
