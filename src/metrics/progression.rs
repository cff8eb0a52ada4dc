//! Progression models beyond a straight slope: the D50 model of ALSFRS-R decline and its
//! disease phases, and the ΔFS categories.
//!
//! The D50 model (Steinbach et al. 2020, "Applying the D50 disease
//! progression model to gray and white matter pathology in amyotrophic lateral sclerosis",
//! NeuroImage: Clinical 25:102094) describes ALSFRS-R over time since symptom onset as a
//! sigmoid from full function:
//!
//! ```text
//! ALSFRS-R(t) = 48 / (1 + exp((t − D50) / dx))
//! ```
//!
//! D50 is the time (months since onset) at which half of function is lost, and dx the time
//! constant of the decline. As in the published model, the fit assumes full function (48) at
//! onset, so the point (0, 48) joins the subject's visits. The relative D50, rD50 = months since
//! onset / D50, places a visit in the course: phase I (early semi-stable) 0 ≤ rD50 < 0.25,
//! phase II (early progressive) 0.25–0.5, phase III (late progressive) 0.5–0.75, phase IV (late
//! semi-stable) ≥ 0.75 (Steinbach et al. 2020).

/// Full ALSFRS-R function.
const FULL: f64 = 48.0;

/// A fitted D50 model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct D50Fit {
    /// Months from onset to half of function lost.
    pub d50: f64,
    /// Time constant of the decline (months).
    pub dx: f64,
    /// Residual sum of squares (with the onset anchor).
    pub sse: f64,
}

impl D50Fit {
    /// The model's ALSFRS-R at `months` since onset.
    pub fn at(&self, months: f64) -> f64 {
        sigmoid(months, self.d50, self.dx)
    }
}

fn sigmoid(t: f64, d50: f64, dx: f64) -> f64 {
    FULL / (1.0 + ((t - d50) / dx).exp())
}

/// Least-squares fit of the D50 model to (months since onset, ALSFRS-R total) points, with the
/// onset anchor (0, 48) added. Levenberg–Marquardt from the straight line through the logits
/// ln(48/y − 1) = (t − D50)/dx. `None` with fewer than two visits after onset with a total below
/// 48 (nothing to place the sigmoid by), or when the fit does not settle on a decline (dx ≤ 0,
/// D50 ≤ 0, or D50 beyond a century).
pub fn fit_d50(points: &[(f64, f64)]) -> Option<D50Fit> {
    let mut pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(t, y)| t.is_finite() && y.is_finite() && *t >= 0.0)
        .collect();
    let declined = pts.iter().filter(|(_, y)| *y < FULL).count();
    if pts.len() < 2 || declined == 0 {
        return None;
    }
    pts.push((0.0, FULL));
    let (d0, dx0) = start(&pts)?;
    let sse = |d: f64, dx: f64| pts.iter().map(|(t, y)| (y - sigmoid(*t, d, dx)).powi(2)).sum::<f64>();
    let (mut d, mut dx) = (d0, dx0);
    let mut cost = sse(d, dx);
    let mut lambda = 1e-3;
    for _ in 0..500 {
        // Normal equations JᵀJ δ = Jᵀr of the residuals r = y − f.
        let (mut a11, mut a12, mut a22, mut g1, mut g2) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (t, y) in &pts {
            let e = ((t - d) / dx).exp();
            let f = FULL / (1.0 + e);
            let common = FULL * e / ((1.0 + e) * (1.0 + e) * dx);
            let (jd, jx) = if e.is_finite() {
                (common, common * (t - d) / dx)
            } else {
                (0.0, 0.0)
            };
            let r = y - f;
            a11 += jd * jd;
            a12 += jd * jx;
            a22 += jx * jx;
            g1 += jd * r;
            g2 += jx * r;
        }
        let mut improved = false;
        while lambda < 1e12 {
            let (b11, b22) = (a11 * (1.0 + lambda), a22 * (1.0 + lambda));
            let det = b11 * b22 - a12 * a12;
            if det.abs() < f64::MIN_POSITIVE {
                lambda *= 10.0;
                continue;
            }
            let step_d = (b22 * g1 - a12 * g2) / det;
            let step_x = (b11 * g2 - a12 * g1) / det;
            let (nd, nx) = (d + step_d, dx + step_x);
            let new_cost = if nx > 0.0 { sse(nd, nx) } else { f64::INFINITY };
            if new_cost < cost {
                let settled = (cost - new_cost) <= 1e-15 * cost.max(1e-300)
                    && step_d.abs() <= 1e-12 * d.abs().max(1.0)
                    && step_x.abs() <= 1e-12 * dx.abs().max(1.0);
                d = nd;
                dx = nx;
                cost = new_cost;
                lambda = (lambda / 10.0).max(1e-15);
                improved = !settled;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    (d > 0.0 && dx > 0.0 && d < 1200.0 && cost.is_finite()).then_some(D50Fit { d50: d, dx, sse: cost })
}

/// A start from the logits of the visits below 48 (an OLS line of ln(48/y − 1) on t), else
/// from the mean time and spread of the points.
fn start(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    let logits: Vec<(f64, f64)> = pts
        .iter()
        .filter(|(_, y)| *y > 0.0 && *y < FULL)
        .map(|(t, y)| (*t, (FULL / y - 1.0).ln()))
        .collect();
    if logits.len() >= 2 {
        let n = logits.len() as f64;
        let mt = logits.iter().map(|p| p.0).sum::<f64>() / n;
        let mz = logits.iter().map(|p| p.1).sum::<f64>() / n;
        let stt: f64 = logits.iter().map(|p| (p.0 - mt).powi(2)).sum();
        let stz: f64 = logits.iter().map(|p| (p.0 - mt) * (p.1 - mz)).sum();
        if stt > 0.0 && stz > 0.0 {
            let slope = stz / stt;
            let dx = 1.0 / slope;
            let d50 = mt - mz * dx;
            if d50 > 0.0 && dx.is_finite() {
                return Some((d50, dx));
            }
        }
    }
    // One visit below 48 (or logits that do not fall): through it with dx a fifth of D50.
    let (t, y) = pts.iter().copied().filter(|(t, _)| *t > 0.0).find(|(_, y)| *y < FULL)?;
    let z = (FULL / y.max(0.5) - 1.0).ln();
    // t − D = z·dx with dx = D/5: D = t / (1 + z/5).
    let d50 = t / (1.0 + z / 5.0);
    (d50 > 0.0).then_some((d50, d50 / 5.0))
}

/// The D50 disease phase of a relative D50 (Steinbach et al. 2020): `I` … `IV`.
pub fn d50_phase(rd50: f64) -> Option<&'static str> {
    match rd50 {
        r if !r.is_finite() || r < 0.0 => None,
        r if r < 0.25 => Some("I"),
        r if r < 0.5 => Some("II"),
        r if r < 0.75 => Some("III"),
        _ => Some("IV"),
    }
}

/// The ΔFS category (points lost per month before baseline): slow < 0.5, intermediate 0.5–1,
/// fast > 1.
pub fn delta_fs_category(delta_fs: f64) -> Option<&'static str> {
    match delta_fs {
        d if !d.is_finite() => None,
        d if d < 0.5 => Some("slow"),
        d if d <= 1.0 => Some("intermediate"),
        _ => Some("fast"),
    }
}
