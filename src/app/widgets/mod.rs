//! Building blocks shared by several views (views never import each other).

pub mod measure_picker;
pub mod plot;
pub mod select;
