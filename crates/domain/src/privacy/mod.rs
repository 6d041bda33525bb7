//! privacy (being written).
