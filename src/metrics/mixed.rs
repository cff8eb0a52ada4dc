//! Linear mixed model `measure ~ months * group` with a random intercept (and a random slope
//! on months when the data allow), fitted by REML, as `statsmodels` `MixedLM(...).fit(reml=True)`.
//!
//! The REML criterion is profiled over the residual variance (Pinheiro & Bates 2000, §2.2):
//! with G = σ²Ψ and Vᵢ = I + ZᵢΨZᵢᵀ,
//! −2ℓ_R = Σ log|Vᵢ| + log|Σ XᵢᵀVᵢ⁻¹Xᵢ| + (N − p)·log(rᵀV⁻¹r) + const,
//! minimised over the Cholesky factor of Ψ by Nelder–Mead; Vᵢ⁻¹ by the Woodbury identity.

/// One observation: subject index, time (months), group index (0 = reference), value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obs {
    pub subject: usize,
    pub months: f64,
    pub group: usize,
    pub y: f64,
}

/// A fitted model.
#[derive(Clone, Debug, PartialEq)]
pub struct MixedFit {
    /// Names of the fixed effects: `intercept`, `months`, `group[k]`, `months:group[k]`.
    pub names: Vec<String>,
    pub fixed: Vec<f64>,
    pub std_errors: Vec<f64>,
    /// Random-effects covariance (1×1 or 2×2, row-major).
    pub random_cov: Vec<f64>,
    pub residual_variance: f64,
    pub random_slope: bool,
    /// Per-subject random effects (intercept[, slope]), by subject index.
    pub random_effects: Vec<Vec<f64>>,
    /// Why a random slope was not used, when it was asked for.
    pub note: Option<String>,
}

impl MixedFit {
    /// Population (fixed-effects) prediction for a group at a time.
    pub fn predict_group(&self, group: usize, months: f64) -> f64 {
        let x = design_row(months, group, (self.fixed.len()) / 2);
        x.iter().zip(&self.fixed).map(|(a, b)| a * b).sum()
    }

    /// Subject-specific prediction (fixed + that subject's random effects).
    pub fn predict_subject(&self, subject: usize, group: usize, months: f64) -> f64 {
        let b = self.random_effects.get(subject).map_or(&[][..], Vec::as_slice);
        self.predict_group(group, months)
            + b.first().copied().unwrap_or(0.0)
            + b.get(1).copied().unwrap_or(0.0) * months
    }
}

fn design_row(t: f64, group: usize, num_groups: usize) -> Vec<f64> {
    let mut x = vec![0.0; 2 * num_groups];
    x[0] = 1.0;
    x[1] = t;
    if group > 0 && group < num_groups {
        x[1 + group] = 1.0;
        x[num_groups + group] = t;
    }
    x
}

/// Why the model could not be fitted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MixedError {
    #[error("{}", crate::i18n::trf("too few observations ({n}) for the {k} fixed effects", &[("n", .0), ("k", .1)]))]
    TooFewObservations(usize, usize),
    #[error(
        "{}",
        crate::i18n::tr("the fixed-effects design is singular (a group has no observations or no time spread)")
    )]
    Singular,
}

struct Group {
    x: Vec<Vec<f64>>,
    z: Vec<Vec<f64>>,
    y: Vec<f64>,
}

/// Fit the model. With `random_slope`, falls back to a random intercept (saying why in
/// `note`) when fewer than three subjects have three visits or the slope fit is degenerate.
pub fn fit(obs: &[Obs], num_groups: usize, random_slope: bool) -> Result<MixedFit, MixedError> {
    let num_groups = num_groups.max(1);
    let p = 2 * num_groups;
    if obs.len() <= p + 1 {
        return Err(MixedError::TooFewObservations(obs.len(), p));
    }
    let num_subjects = obs.iter().map(|o| o.subject + 1).max().unwrap_or(0);
    let mut per: Vec<Vec<&Obs>> = vec![Vec::new(); num_subjects];
    for o in obs {
        per[o.subject].push(o);
    }
    let enough_for_slope = per.iter().filter(|g| g.len() >= 3).count() >= 3;
    if random_slope && enough_for_slope {
        match fit_with(&per, num_groups, true) {
            Ok(f) if f.random_cov[0] > 1e-10 * f.residual_variance && f.random_cov[3] > 1e-10 * f.residual_variance => {
                return Ok(f);
            }
            Ok(_) | Err(_) => {
                let mut f = fit_with(&per, num_groups, false)?;
                f.note = Some(
                    crate::i18n::tr(
                        "random slope variance is zero or not estimable; fitted with a random intercept only",
                    )
                    .to_owned(),
                );
                return Ok(f);
            }
        }
    }
    let mut f = fit_with(&per, num_groups, false)?;
    if random_slope {
        f.note = Some(
            crate::i18n::tr("fewer than three subjects have three or more visits; fitted with a random intercept only")
                .to_owned(),
        );
    }
    Ok(f)
}

fn fit_with(per: &[Vec<&Obs>], num_groups: usize, slope: bool) -> Result<MixedFit, MixedError> {
    let q = if slope { 2 } else { 1 };
    let groups: Vec<Group> = per
        .iter()
        .map(|g| Group {
            x: g.iter().map(|o| design_row(o.months, o.group, num_groups)).collect(),
            z: g.iter()
                .map(|o| if slope { vec![1.0, o.months] } else { vec![1.0] })
                .collect(),
            y: g.iter().map(|o| o.y).collect(),
        })
        .collect();
    let criterion = |theta: &[f64]| profile(&groups, &psi_from(theta, q)).map_or(f64::INFINITY, |r| r.objective);
    let start: Vec<f64> = if slope { vec![1.0, 0.0, 0.1] } else { vec![1.0] };
    // A singular design is singular for every Ψ: say so rather than search a flat infinity.
    if !criterion(&start).is_finite() {
        return Err(MixedError::Singular);
    }
    let theta = nelder_mead(&criterion, &start);
    let psi = psi_from(&theta, q);
    let r = profile(&groups, &psi).ok_or(MixedError::Singular)?;
    let p = 2 * num_groups;
    let names = std::iter::once("intercept".to_owned())
        .chain(std::iter::once("months".to_owned()))
        .chain((1..num_groups).map(|k| format!("group[{k}]")))
        .chain((1..num_groups).map(|k| format!("months:group[{k}]")))
        .collect();
    let std_errors = (0..p).map(|i| (r.sigma2 * r.a_inv[i * p + i]).sqrt()).collect();
    Ok(MixedFit {
        names,
        fixed: r.beta,
        std_errors,
        random_cov: psi.iter().map(|v| v * r.sigma2).collect(),
        residual_variance: r.sigma2,
        random_slope: slope,
        random_effects: r.blups,
        note: None,
    })
}

/// Ψ = LLᵀ from the Cholesky parameters.
fn psi_from(theta: &[f64], q: usize) -> Vec<f64> {
    if q == 1 {
        vec![theta[0] * theta[0]]
    } else {
        let (l11, l21, l22) = (theta[0], theta[1], theta[2]);
        vec![l11 * l11, l11 * l21, l11 * l21, l21 * l21 + l22 * l22]
    }
}

struct Profile {
    objective: f64,
    beta: Vec<f64>,
    a_inv: Vec<f64>,
    sigma2: f64,
    blups: Vec<Vec<f64>>,
}

fn profile(groups: &[Group], psi: &[f64]) -> Option<Profile> {
    let p = groups.iter().find_map(|g| g.x.first().map(Vec::len))?;
    let q = if psi.len() == 1 { 1 } else { 2 };
    let mut a = vec![0.0; p * p];
    let mut c = vec![0.0; p];
    let mut logdet_v = 0.0;
    let mut n = 0usize;
    // Per group: M = (I + Ψ ZᵀZ)⁻¹ Ψ, so V⁻¹ = I − Z M Zᵀ.
    let mut ms = Vec::with_capacity(groups.len());
    for g in groups {
        n += g.y.len();
        let mut ztz = vec![0.0; q * q];
        for z in &g.z {
            for i in 0..q {
                for j in 0..q {
                    ztz[i * q + j] += z[i] * z[j];
                }
            }
        }
        let mut k = matmul(psi, &ztz, q);
        for i in 0..q {
            k[i * q + i] += 1.0;
        }
        let (k_inv, logdet) = invert_general(&k, q)?;
        logdet_v += logdet;
        let m = matmul(&k_inv, psi, q);
        let vinv = |u: &[f64], w: &[f64]| -> f64 { quad(&g.z, &m, u, w, q) };
        for i in 0..p {
            let xi: Vec<f64> = g.x.iter().map(|r| r[i]).collect();
            c[i] += vinv(&xi, &g.y);
            for j in 0..p {
                let xj: Vec<f64> = g.x.iter().map(|r| r[j]).collect();
                a[i * p + j] += vinv(&xi, &xj);
            }
        }
        ms.push(m);
    }
    if n <= p {
        return None;
    }
    let (a_inv, logdet_a) = invert_general(&a, p)?;
    let beta: Vec<f64> = (0..p).map(|i| (0..p).map(|j| a_inv[i * p + j] * c[j]).sum()).collect();
    let mut quad_r = 0.0;
    let mut blups = Vec::with_capacity(groups.len());
    for (g, m) in groups.iter().zip(&ms) {
        let r: Vec<f64> =
            g.x.iter()
                .zip(&g.y)
                .map(|(x, y)| y - x.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>())
                .collect();
        quad_r += quad(&g.z, m, &r, &r, q);
        // b = Ψ Zᵀ V⁻¹ r = M Zᵀ r.
        let ztr: Vec<f64> = (0..q)
            .map(|i| g.z.iter().zip(&r).map(|(z, rr)| z[i] * rr).sum())
            .collect();
        blups.push((0..q).map(|i| (0..q).map(|j| m[i * q + j] * ztr[j]).sum()).collect());
    }
    let dof = (n - p) as f64;
    let sigma2 = quad_r / dof;
    if sigma2.is_nan() || sigma2 <= 0.0 {
        return None;
    }
    let objective = logdet_v + logdet_a + dof * quad_r.ln();
    Some(Profile {
        objective,
        beta,
        a_inv,
        sigma2,
        blups,
    })
}

/// uᵀ V⁻¹ w with V⁻¹ = I − Z M Zᵀ.
fn quad(z: &[Vec<f64>], m: &[f64], u: &[f64], w: &[f64], q: usize) -> f64 {
    let uw: f64 = u.iter().zip(w).map(|(a, b)| a * b).sum();
    let zu: Vec<f64> = (0..q).map(|i| z.iter().zip(u).map(|(zz, v)| zz[i] * v).sum()).collect();
    let zw: Vec<f64> = (0..q).map(|i| z.iter().zip(w).map(|(zz, v)| zz[i] * v).sum()).collect();
    let mut corr = 0.0;
    for i in 0..q {
        for j in 0..q {
            corr += zu[i] * m[i * q + j] * zw[j];
        }
    }
    uw - corr
}

fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            for j in 0..n {
                out[i * n + j] += a[i * n + k] * b[k * n + j];
            }
        }
    }
    out
}

/// Inverse and log|det| of a small matrix by Gauss–Jordan with partial pivoting.
fn invert_general(a: &[f64], n: usize) -> Option<(Vec<f64>, f64)> {
    let mut m = a.to_vec();
    let mut inv = vec![0.0; n * n];
    for i in 0..n {
        inv[i * n + i] = 1.0;
    }
    let mut logdet = 0.0;
    let scale = a.iter().map(|v| v.abs()).fold(0.0, f64::max).max(1e-300);
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| m[x * n + col].abs().total_cmp(&m[y * n + col].abs()))?;
        let pv = m[pivot * n + col];
        if pv.abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for j in 0..n {
                m.swap(pivot * n + j, col * n + j);
                inv.swap(pivot * n + j, col * n + j);
            }
        }
        logdet += pv.abs().ln();
        for j in 0..n {
            m[col * n + j] /= pv;
            inv[col * n + j] /= pv;
        }
        for r in 0..n {
            if r != col {
                let f = m[r * n + col];
                if f != 0.0 {
                    for j in 0..n {
                        m[r * n + j] -= f * m[col * n + j];
                        inv[r * n + j] -= f * inv[col * n + j];
                    }
                }
            }
        }
    }
    Some((inv, logdet))
}

/// Nelder–Mead simplex minimisation (standard coefficients 1, 2, ½, ½).
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, start: &[f64]) -> Vec<f64> {
    let d = start.len();
    let mut simplex: Vec<Vec<f64>> = vec![start.to_vec()];
    for i in 0..d {
        let mut p = start.to_vec();
        p[i] += if p[i].abs() > 1e-3 { 0.25 * p[i] } else { 0.25 };
        simplex.push(p);
    }
    let mut values: Vec<f64> = simplex.iter().map(|p| f(p)).collect();
    for _ in 0..5000 {
        let mut order: Vec<usize> = (0..=d).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        if (values[d] - values[0]).abs() <= 1e-12 * (1.0 + values[0].abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..d)
            .map(|j| simplex[..d].iter().map(|p| p[j]).sum::<f64>() / d as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..d)
                .map(|j| centroid[j] + t * (simplex[d][j] - centroid[j]))
                .collect()
        };
        let reflected = along(-1.0);
        let fr = f(&reflected);
        if fr < values[0] {
            let expanded = along(-2.0);
            let fe = f(&expanded);
            if fe < fr {
                simplex[d] = expanded;
                values[d] = fe;
            } else {
                simplex[d] = reflected;
                values[d] = fr;
            }
        } else if fr < values[d - 1] {
            simplex[d] = reflected;
            values[d] = fr;
        } else {
            let contracted = if fr < values[d] { along(-0.5) } else { along(0.5) };
            let fc = f(&contracted);
            if fc < values[d].min(fr) {
                simplex[d] = contracted;
                values[d] = fc;
            } else {
                for i in 1..=d {
                    simplex[i] = (0..d)
                        .map(|j| simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]))
                        .collect();
                    values[i] = f(&simplex[i]);
                }
            }
        }
    }
    simplex.swap_remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inverse() {
        let (inv, logdet) = invert_general(&[4.0, 7.0, 2.0, 6.0], 2).expect("invertible");
        assert!((inv[0] - 0.6).abs() < 1e-12 && (inv[1] + 0.7).abs() < 1e-12);
        assert!((logdet - 10f64.ln()).abs() < 1e-12);
        assert!(invert_general(&[1.0, 2.0, 2.0, 4.0], 2).is_none());
    }

    #[test]
    fn too_little_data_is_an_error_not_a_panic() {
        let obs = [Obs {
            subject: 0,
            months: 0.0,
            group: 0,
            y: 1.0,
        }];
        assert!(fit(&obs, 2, true).is_err());
    }

    #[test]
    fn a_group_without_observations_is_singular_at_once() {
        // Group 1 of 2 has no rows: the design is singular whatever the variances.
        let obs: Vec<Obs> = (0..6)
            .flat_map(|subject| {
                (0..4).map(move |v| Obs {
                    subject,
                    months: f64::from(v) * 3.0,
                    group: 0,
                    y: 40.0 - f64::from(v) - subject as f64 * 0.5,
                })
            })
            .collect();
        assert_eq!(fit(&obs, 2, true), Err(MixedError::Singular));
    }
}
