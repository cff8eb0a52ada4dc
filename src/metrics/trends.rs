//! Which taxa change over time: for every taxon, a linear mixed model of its CLR abundance on
//! time with a random intercept per subject, fitted by REML, with Benjamini–Hochberg q over the
//! taxa tested (q2-longitudinal's `linear-mixed-effects`, one taxon at a time, as statsmodels
//! `mixedlm("clr ~ time", groups=subject).fit(reml=True)`).
//!
//! With a random intercept only, each subject's covariance is σ²(I + γJ), so everything the
//! REML criterion needs reduces to per-subject sums (Pinheiro & Bates 2000, §2.2):
//! A(γ) = Σᵢ XᵢᵀXᵢ − wᵢ sᵢsᵢᵀ and c(γ) = Σᵢ Xᵢᵀyᵢ − wᵢ sᵢ Σyᵢ with sᵢ = Xᵢᵀ1, wᵢ = γ/(1 + nᵢγ);
//! −2ℓ_R = Σ log(1 + nᵢγ) + log|A| + (N − p) log(yᵀV⁻¹y − cᵀA⁻¹c) + const. The design is shared by
//! every taxon, so a taxon costs one pass over its values and a one-dimensional search in γ.

use rayon::prelude::*;

use super::stats::benjamini_hochberg;

/// A fixed-effects design shared by many responses, with its observations grouped by subject.
/// Since wᵢ depends on a subject only through its number of observations nᵢ, the design's
/// per-subject sums are pooled by nᵢ once: a criterion evaluation then costs a few p×p sums
/// per distinct nᵢ, whatever the number of subjects.
#[derive(Clone, Debug)]
pub struct RandomInterceptDesign {
    /// Design rows (intercept first), one per observation.
    x: Vec<Vec<f64>>,
    /// Subject of each observation (0-based, dense).
    subject: Vec<usize>,
    /// Per subject: sᵢ = Xᵢᵀ1, and which entry of `sizes` its nᵢ is.
    s: Vec<Vec<f64>>,
    size_of: Vec<usize>,
    /// The distinct nᵢ, how many subjects have each, and Σ sᵢsᵢᵀ over them (p×p).
    sizes: Vec<f64>,
    count: Vec<f64>,
    ss: Vec<Vec<f64>>,
    /// Σᵢ XᵢᵀXᵢ = XᵀX (p×p).
    xtx: Vec<f64>,
    /// Names of the fixed effects.
    pub names: Vec<String>,
}

/// A fitted random-intercept model.
#[derive(Clone, Debug, PartialEq)]
pub struct InterceptFit {
    pub fixed: Vec<f64>,
    pub std_errors: Vec<f64>,
    /// Covariance of the fixed effects, σ²(XᵀV⁻¹X)⁻¹ (p×p, row-major).
    pub covariance: Vec<f64>,
    /// Variance of the subjects' intercepts.
    pub subject_variance: f64,
    pub residual_variance: f64,
}

impl InterceptFit {
    /// Two-sided p of fixed effect `k` by the normal (Wald z) test, as statsmodels reports it.
    pub fn p_value(&self, k: usize) -> f64 {
        2.0 * super::special::normal_sf((self.fixed[k] / self.std_errors[k]).abs())
    }

    /// The joint Wald test that the fixed effects `terms` are all zero: χ² = bᵀV⁻¹b on
    /// `terms.len()` degrees of freedom, and its p.
    pub fn wald(&self, terms: &[usize]) -> Option<(f64, f64)> {
        let p = self.fixed.len();
        let k = terms.len();
        let block: Vec<f64> = terms
            .iter()
            .flat_map(|&a| terms.iter().map(move |&b| (a, b)))
            .map(|(a, b)| self.covariance[a * p + b])
            .collect();
        let (inv, _) = invert_spd(&block, k)?;
        let b: Vec<f64> = terms.iter().map(|&t| self.fixed[t]).collect();
        let chi2: f64 = (0..k)
            .map(|i| (0..k).map(|j| b[i] * inv[i * k + j] * b[j]).sum::<f64>())
            .sum();
        Some((chi2, super::special::chi2_sf(chi2, k as f64)))
    }
}

impl RandomInterceptDesign {
    /// `rows` are design rows (each starting with the intercept's 1), `subject` each row's subject.
    pub fn new(rows: Vec<Vec<f64>>, subject: Vec<usize>, names: Vec<String>) -> Self {
        let p = rows.first().map_or(0, Vec::len);
        let num_subjects = subject.iter().map(|s| s + 1).max().unwrap_or(0);
        let mut xtx = vec![0.0; p * p];
        let mut s = vec![vec![0.0; p]; num_subjects];
        let mut n = vec![0usize; num_subjects];
        for (row, &i) in rows.iter().zip(&subject) {
            n[i] += 1;
            for a in 0..p {
                s[i][a] += row[a];
                for b in 0..p {
                    xtx[a * p + b] += row[a] * row[b];
                }
            }
        }
        let mut distinct: Vec<usize> = n.iter().copied().filter(|k| *k > 0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut count = vec![0.0; distinct.len()];
        let mut ss = vec![vec![0.0; p * p]; distinct.len()];
        let size_of: Vec<usize> = n
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let Ok(j) = distinct.binary_search(k) else {
                    return usize::MAX;
                };
                count[j] += 1.0;
                for a in 0..p {
                    for b in 0..p {
                        ss[j][a * p + b] += s[i][a] * s[i][b];
                    }
                }
                j
            })
            .collect();
        Self {
            x: rows,
            subject,
            s,
            size_of,
            sizes: distinct.iter().map(|k| *k as f64).collect(),
            count,
            ss,
            xtx,
            names,
        }
    }

    fn p(&self) -> usize {
        self.names.len()
    }

    /// REML fit of `y` (one value per design row); `None` when the design is singular or there
    /// are too few observations.
    pub fn fit(&self, y: &[f64]) -> Option<InterceptFit> {
        let p = self.p();
        let num_obs = y.len();
        let k = self.sizes.len();
        if num_obs <= p + 1 || k == 0 {
            return None;
        }
        // Per subject Σy, then per distinct size: T = Σ sᵢΣyᵢ and U = Σ (Σyᵢ)²; and Xᵀy, yᵀy.
        let mut sy = vec![0.0; self.s.len()];
        let mut xty = vec![0.0; p];
        let mut yy = 0.0;
        for ((row, &i), &v) in self.x.iter().zip(&self.subject).zip(y) {
            sy[i] += v;
            yy += v * v;
            for a in 0..p {
                xty[a] += row[a] * v;
            }
        }
        let mut t = vec![vec![0.0; p]; k];
        let mut u = vec![0.0; k];
        for (i, &total) in sy.iter().enumerate() {
            let Some(j) = self.size_of.get(i).copied().filter(|j| *j < k) else {
                continue;
            };
            u[j] += total * total;
            for (tj, si) in t[j].iter_mut().zip(&self.s[i]) {
                *tj += si * total;
            }
        }
        let dof = (num_obs - p) as f64;
        let criterion = |gamma: f64| -> Option<(f64, Vec<f64>, Vec<f64>, f64)> {
            let mut a = self.xtx.clone();
            let mut c = xty.clone();
            let mut yvy = yy;
            let mut logdet_v = 0.0;
            for j in 0..k {
                let w = gamma / (1.0 + self.sizes[j] * gamma);
                logdet_v += self.count[j] * (1.0 + self.sizes[j] * gamma).ln();
                yvy -= w * u[j];
                for r in 0..p {
                    c[r] -= w * t[j][r];
                }
                for (ar, sr) in a.iter_mut().zip(&self.ss[j]) {
                    *ar -= w * sr;
                }
            }
            let (inv, logdet_a) = invert_spd(&a, p)?;
            let beta: Vec<f64> = (0..p).map(|r| (0..p).map(|q| inv[r * p + q] * c[q]).sum()).collect();
            let q = yvy - beta.iter().zip(&c).map(|(b, c)| b * c).sum::<f64>();
            if !(q > 0.0 && q.is_finite()) {
                return None;
            }
            Some((logdet_v + logdet_a + dof * q.ln(), beta, inv, q))
        };
        let value = |t: f64| criterion(t.exp()).map_or(f64::INFINITY, |r| r.0);
        // A coarse scan of log γ, then golden-section refinement around the best point.
        let grid: Vec<f64> = (0..=36).map(|k| -18.0 + f64::from(k) * 0.75).collect();
        let (best, _) =
            grid.iter().map(|&t| (t, value(t))).fold(
                (grid[0], f64::INFINITY),
                |acc, (t, v)| if v < acc.1 { (t, v) } else { acc },
            );
        let (mut lo, mut hi) = (best - 0.75, best + 0.75);
        let phi = 0.5 * (5f64.sqrt() - 1.0);
        let (mut x1, mut x2) = (hi - phi * (hi - lo), lo + phi * (hi - lo));
        let (mut f1, mut f2) = (value(x1), value(x2));
        for _ in 0..60 {
            if f1 < f2 {
                hi = x2;
                (x2, f2) = (x1, f1);
                x1 = hi - phi * (hi - lo);
                f1 = value(x1);
            } else {
                lo = x1;
                (x1, f1) = (x2, f2);
                x2 = lo + phi * (hi - lo);
                f2 = value(x2);
            }
        }
        let t = 0.5 * (lo + hi);
        // The boundary γ = 0 (no subject variance) when it is better still.
        let at_zero = criterion(0.0);
        let at_t = criterion(t.exp());
        let (gamma, (_, beta, inv, q)) = match (at_zero, at_t) {
            (Some(z), Some(g)) if z.0 <= g.0 => (0.0, z),
            (_, Some(g)) => (t.exp(), g),
            (Some(z), None) => (0.0, z),
            (None, None) => return None,
        };
        let sigma2 = q / dof;
        Some(InterceptFit {
            std_errors: (0..p).map(|k| (sigma2 * inv[k * p + k]).sqrt()).collect(),
            covariance: inv.iter().map(|v| sigma2 * v).collect(),
            fixed: beta,
            subject_variance: gamma * sigma2,
            residual_variance: sigma2,
        })
    }
}

/// Inverse and log-determinant of a symmetric positive-definite matrix (Cholesky).
pub(crate) fn invert_spd(a: &[f64], p: usize) -> Option<(Vec<f64>, f64)> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum();
            if i == j {
                let d = a[i * p + i] - sum;
                if d <= 1e-12 * a[i * p + i].abs().max(1e-300) {
                    return None;
                }
                l[i * p + i] = d.sqrt();
            } else {
                l[i * p + j] = (a[i * p + j] - sum) / l[j * p + j];
            }
        }
    }
    let logdet = 2.0 * (0..p).map(|i| l[i * p + i].ln()).sum::<f64>();
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![0.0; p * p];
    for col in 0..p {
        let mut z = vec![0.0; p];
        for i in 0..p {
            let rhs = if i == col { 1.0 } else { 0.0 };
            z[i] = (rhs - (0..i).map(|k| l[i * p + k] * z[k]).sum::<f64>()) / l[i * p + i];
        }
        for i in (0..p).rev() {
            let v = (z[i] - (i + 1..p).map(|k| l[k * p + i] * inv[k * p + col]).sum::<f64>()) / l[i * p + i];
            inv[i * p + col] = v;
        }
    }
    Some((inv, logdet))
}

/// One taxon's trend.
#[derive(Clone, Debug, PartialEq)]
pub struct TaxonTrend {
    pub taxon: String,
    /// Fraction of the samples in which the taxon is present.
    pub prevalence: f64,
    pub mean_relative_abundance: f64,
    /// CLR change per unit of time, with its standard error and p; `None` below the prevalence
    /// threshold or when the model cannot be fitted.
    pub slope: Option<f64>,
    pub std_error: Option<f64>,
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg over the taxa with a p value.
    pub q_value: Option<f64>,
}

/// Taxa present in fewer samples than this are listed but not tested.
pub const MIN_PREVALENCE: f64 = 0.10;

/// The trend of every taxon: `rel` and `clr` are sample-major (`[sample * num_taxa + taxon]`)
/// over the samples in `subject`/`time` order (one row each).
pub fn taxon_trends(taxa: &[String], rel: &[f64], clr: &[f64], subject: &[usize], time: &[f64]) -> Vec<TaxonTrend> {
    taxon_trends_by_group(taxa, rel, clr, subject, time, None)
}

/// As [`taxon_trends`], with `clr ~ time * group` when `group` gives each sample's group (0 the
/// reference; at least two groups): the slope and its SE are the reference group's, and p is the
/// joint Wald test of the time × group terms (does the trend differ between groups).
pub fn taxon_trends_by_group(
    taxa: &[String],
    rel: &[f64],
    clr: &[f64],
    subject: &[usize],
    time: &[f64],
    group: Option<&[usize]>,
) -> Vec<TaxonTrend> {
    let nt = taxa.len();
    let ns = subject.len();
    let num_groups = group.map_or(1, |g| g.iter().map(|k| k + 1).max().unwrap_or(1));
    let rows: Vec<Vec<f64>> = (0..ns)
        .map(|i| {
            let mut row = vec![1.0, time[i]];
            if let Some(g) = group {
                row.extend((1..num_groups).map(|k| f64::from(u8::from(g[i] == k))));
                row.extend((1..num_groups).map(|k| if g[i] == k { time[i] } else { 0.0 }));
            }
            row
        })
        .collect();
    let mut names = vec!["Intercept".to_owned(), "time".to_owned()];
    if num_groups > 1 {
        names.extend((1..num_groups).map(|k| format!("group[{k}]")));
        names.extend((1..num_groups).map(|k| format!("time:group[{k}]")));
    }
    let interaction: Vec<usize> = (num_groups + 1..2 * num_groups).collect();
    let design = RandomInterceptDesign::new(rows, subject.to_vec(), names);
    let mut trends: Vec<TaxonTrend> = (0..nt)
        .into_par_iter()
        .map(|f| {
            let present = (0..ns).filter(|&s| rel[s * nt + f] > 0.0).count();
            let prevalence = if ns == 0 { 0.0 } else { present as f64 / ns as f64 };
            let mean = (0..ns).map(|s| rel[s * nt + f]).sum::<f64>() / ns.max(1) as f64;
            let fit = (prevalence >= MIN_PREVALENCE)
                .then(|| {
                    let y: Vec<f64> = (0..ns).map(|s| clr[s * nt + f]).collect();
                    design.fit(&y)
                })
                .flatten();
            TaxonTrend {
                taxon: taxa[f].clone(),
                prevalence,
                mean_relative_abundance: mean,
                slope: fit.as_ref().map(|f| f.fixed[1]),
                std_error: fit.as_ref().map(|f| f.std_errors[1]),
                p_value: fit.as_ref().and_then(|f| {
                    if interaction.is_empty() {
                        Some(f.p_value(1))
                    } else {
                        f.wald(&interaction).map(|(_, p)| p)
                    }
                }),
                q_value: None,
            }
        })
        .collect();
    let tested: Vec<usize> = (0..nt).filter(|&f| trends[f].p_value.is_some()).collect();
    let p: Vec<f64> = tested.iter().filter_map(|&f| trends[f].p_value).collect();
    for (&f, q) in tested.iter().zip(benjamini_hochberg(&p)) {
        trends[f].q_value = Some(q);
    }
    trends
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spd_inverse_and_determinant() {
        let (inv, logdet) = invert_spd(&[4.0, 2.0, 2.0, 3.0], 2).expect("spd");
        assert!((logdet - 8f64.ln()).abs() < 1e-12);
        let want = [3.0 / 8.0, -2.0 / 8.0, -2.0 / 8.0, 4.0 / 8.0];
        assert!(inv.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12));
        assert!(invert_spd(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
    }

    #[test]
    fn the_wald_test_of_one_term_is_the_z_test() {
        let fit = InterceptFit {
            fixed: vec![1.0, 0.5],
            std_errors: vec![0.2, 0.25],
            covariance: vec![0.04, 0.01, 0.01, 0.0625],
            subject_variance: 0.0,
            residual_variance: 1.0,
        };
        let (chi2, p) = fit.wald(&[1]).expect("one term");
        assert!((chi2 - 4.0).abs() < 1e-12);
        assert!((p - fit.p_value(1)).abs() < 1e-12);
    }

    #[test]
    fn too_little_data_gives_no_fit() {
        let d = RandomInterceptDesign::new(
            vec![vec![1.0, 0.0], vec![1.0, 1.0]],
            vec![0, 0],
            vec!["a".into(), "b".into()],
        );
        assert!(d.fit(&[1.0, 2.0]).is_none());
    }
}
