//! Derived metrics: clinical (BMI now; ALSFRS-R, staging, REE to come), as polars expressions
//! or plain kernels. No GUI imports.

pub mod clinical;
pub mod microbiome;
