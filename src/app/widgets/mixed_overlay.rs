//! The mixed-model overlay of a trajectory plot: `measure ~ time * group` with a random
//! intercept and slope per subject (REML), fitted as a background job for one measure, x-axis
//! and grouping, and drawn as dashed group lines plus the emphasised subjects' own lines.

use std::sync::{Arc, Weak};

use eframe::egui;
use egui_plot::{Line, LineStyle, PlotPoints, PlotUi};

use crate::app::derived::{Derived, Measure};
use crate::app::jobs::{Job, Poll};
use crate::app::theme::group_color;
use crate::app::view::ViewCtx;
use crate::metrics::mixed::{self, MixedFit};

/// A mixed-model fit of one measure on one x-axis for one grouping, running or done.
#[derive(Clone, Debug)]
pub struct MixedJob {
    measure: usize,
    axis: usize,
    /// The `Derived` it was fitted on (a regrouping refits). Weak, so an old grouping is freed,
    /// but its allocation stays and no new `Derived` can take its address and look the same.
    source: Weak<Derived>,
    /// The fit under way (shared by clones of the view; cancelled when the last is dropped).
    job: Option<Arc<Job<Result<GroupedFit, String>>>>,
    pub result: Option<Result<GroupedFit, String>>,
}

impl MixedJob {
    pub fn start(ui: &egui::Ui, derived: &Arc<Derived>, measure: usize, axis: usize) -> Self {
        let d = Arc::clone(derived);
        let spawned = Job::spawn("mixed-model", ui.ctx(), move |_| {
            d.measures
                .get(measure)
                .ok_or_else(|| "no such measure".to_owned())
                .and_then(|m| fit_mixed(&d, m, axis))
        });
        let (job, result) = match spawned {
            Ok(job) => (Some(Arc::new(job)), None),
            Err(e) => (None, Some(Err(e))),
        };
        Self {
            measure,
            axis,
            source: Arc::downgrade(derived),
            job,
            result,
        }
    }

    /// Take the fit if it has finished.
    pub fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        match job.poll() {
            Poll::Running => return,
            Poll::Done(fit) => self.result = Some(fit),
            Poll::Lost => self.result = Some(Err("the fit stopped unexpectedly".to_owned())),
        }
        self.job = None;
    }

    /// True when this job fitted `measure` of `derived` on `axis`.
    pub fn fits(&self, derived: &Arc<Derived>, measure: usize, axis: usize) -> bool {
        self.measure == measure && self.axis == axis && std::ptr::eq(self.source.as_ptr(), Arc::as_ptr(derived))
    }
}

/// A straight fitted line between two points (OLS and mixed-model overlays).
pub fn segment_line(plot_ui: &mut PlotUi<'_>, ends: [[f64; 2]; 2], color: egui::Color32, width: f32, style: LineStyle) {
    plot_ui.line(
        Line::new("", PlotPoints::from(ends.to_vec()))
            .color(color)
            .width(width)
            .style(style),
    );
}

/// A mixed-model fit with the group indices it was fitted on.
#[derive(Clone, Debug)]
pub struct GroupedFit {
    pub fit: MixedFit,
    /// Model group of each `Derived` group (None: the group has no observations).
    model_group: Vec<Option<usize>>,
}

impl GroupedFit {
    /// Population prediction for a `Derived` group, if it was in the model.
    pub fn predict_group(&self, group: usize, x: f64) -> Option<f64> {
        Some(self.fit.predict_group((*self.model_group.get(group)?)?, x))
    }

    /// Prediction for one subject (fixed + its random effects).
    pub fn predict_subject(&self, subject: usize, group: usize, x: f64) -> Option<f64> {
        Some(self.fit.predict_subject(subject, (*self.model_group.get(group)?)?, x))
    }
}

/// `measure ~ x * group` with a random intercept and slope per subject, on every subject; groups
/// without observations of this measure (e.g. controls without ALSFRS-R) are left out.
fn fit_mixed(d: &Derived, m: &Measure, axis: usize) -> Result<GroupedFit, String> {
    let mut present = vec![false; d.groups.len()];
    for s in m.series.iter().filter(|s| !s.points[axis].is_empty()) {
        present[d.subjects[s.subject].group] = true;
    }
    let mut next = 0;
    let model_group: Vec<Option<usize>> = present
        .iter()
        .map(|p| {
            p.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let obs: Vec<mixed::Obs> = m
        .series
        .iter()
        .flat_map(|s| {
            let group = model_group[d.subjects[s.subject].group].unwrap_or(0);
            s.points[axis].iter().map(move |p| mixed::Obs {
                subject: s.subject,
                months: p.x,
                group,
                y: p.y,
            })
        })
        .collect();
    let fit = mixed::fit(&obs, next, true).map_err(|e| e.to_string())?;
    Ok(GroupedFit { fit, model_group })
}

/// Group lines of the mixed model over the plotted range, and the emphasised subjects' own.
pub fn draw_mixed(
    fit: &GroupedFit,
    plot_ui: &mut PlotUi<'_>,
    ctx: &ViewCtx<'_>,
    m: &Measure,
    axis: usize,
    emphasised: &[usize],
) {
    // Each line spans the data it describes: a group's binned means, a subject's own visits.
    let span = |points: &mut dyn Iterator<Item = f64>| {
        points.fold(None, |r: Option<(f64, f64)>, x| {
            Some(r.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
        })
    };
    for mean in &m.means {
        let g = mean.group;
        if ctx.state.filters.hidden_groups.contains(&g) {
            continue;
        }
        let Some((lo, hi)) = span(&mut mean.points[axis].iter().map(|p| p[0])) else {
            continue;
        };
        if let (Some(a), Some(b)) = (fit.predict_group(g, lo), fit.predict_group(g, hi)) {
            segment_line(
                plot_ui,
                [[lo, a], [hi, b]],
                group_color(g),
                3.0,
                LineStyle::dashed_loose(),
            );
        }
    }
    for series in m.series.iter().filter(|s| emphasised.contains(&s.subject)) {
        let (s, g) = (series.subject, ctx.derived.subjects[series.subject].group);
        let Some((lo, hi)) = span(&mut series.points[axis].iter().map(|p| p.x)) else {
            continue;
        };
        if let (Some(a), Some(b)) = (fit.predict_subject(s, g, lo), fit.predict_subject(s, g, hi)) {
            segment_line(
                plot_ui,
                [[lo, a], [hi, b]],
                group_color(g),
                1.5,
                LineStyle::dashed_dense(),
            );
        }
    }
}
