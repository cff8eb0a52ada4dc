//! Building blocks shared by several views (views never import each other).

pub mod color_by;
pub mod legend;
pub mod measure_picker;
pub mod mixed_overlay;
pub mod paired_change;
pub mod plot;
pub mod select;
pub mod table;
