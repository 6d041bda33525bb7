//! application (being written).
