//! Derived metrics, each tested against an independent reference (scikit-bio, scipy,
//! statsmodels or a hand-worked case). No GUI imports.

pub mod alsfrs;
pub mod clinical;
pub mod distance;
pub mod diversity;
pub mod longitudinal;
pub mod microbiome;
pub mod mixed;
pub mod ordination;
pub mod panels;
pub mod progression;
pub mod ree;
pub mod special;
pub mod stats;
pub mod survival;
pub mod tables;
pub mod trends;
