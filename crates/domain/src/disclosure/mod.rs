//! disclosure (being written).
