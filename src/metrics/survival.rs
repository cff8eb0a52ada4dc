//! Time to event, as lifelines 0.30 computes it: the Kaplan–Meier estimator with its 95% band
//! by the exponential Greenwood (log(−log)) formula, the median survival time and its CI, the
//! restricted mean survival time up to a horizon, and the multivariate log-rank test.

use super::special::chi2_sf;
use super::trends::invert_spd;

/// The normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A Kaplan–Meier curve on lifelines' timeline: 0, then every distinct duration (event or
/// censoring), each with the survival just after it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KaplanMeier {
    pub times: Vec<f64>,
    /// Subjects still followed just before each time.
    pub at_risk: Vec<usize>,
    pub events: Vec<usize>,
    pub censored: Vec<usize>,
    pub survival: Vec<f64>,
    /// The 95% band (0 once survival is 0, as lifelines gives it).
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// Kaplan–Meier of `durations` (≥ 0) with `events` (true: the event, false: censored).
pub fn kaplan_meier(durations: &[f64], events: &[bool]) -> KaplanMeier {
    let mut order: Vec<usize> = (0..durations.len()).filter(|&i| durations[i].is_finite()).collect();
    order.sort_by(|&a, &b| durations[a].total_cmp(&durations[b]));
    let mut km = KaplanMeier {
        times: vec![0.0],
        at_risk: vec![order.len()],
        events: vec![0],
        censored: vec![0],
        survival: vec![1.0],
        lower: vec![1.0],
        upper: vec![1.0],
    };
    let (mut at_risk, mut s, mut greenwood) = (order.len(), 1.0_f64, 0.0_f64);
    let mut k = 0;
    while k < order.len() {
        let t = durations[order[k]];
        let (mut d, mut c) = (0, 0);
        while k < order.len() && durations[order[k]] == t {
            if events[order[k]] {
                d += 1;
            } else {
                c += 1;
            }
            k += 1;
        }
        let n = at_risk;
        if d > 0 {
            s *= 1.0 - d as f64 / n as f64;
            if n > d {
                greenwood += d as f64 / (n as f64 * (n - d) as f64);
            }
        }
        let (lower, upper) = band(s, greenwood);
        if t == 0.0 {
            // lifelines' timeline starts at 0 once; events at 0 count there.
            km.at_risk[0] = n;
            km.events[0] = d;
            km.censored[0] = c;
            km.survival[0] = s;
            km.lower[0] = lower;
            km.upper[0] = upper;
        } else {
            km.times.push(t);
            km.at_risk.push(n);
            km.events.push(d);
            km.censored.push(c);
            km.survival.push(s);
            km.lower.push(lower);
            km.upper.push(upper);
        }
        at_risk -= d + c;
    }
    km
}

/// The exponential Greenwood band around `s`: exp(−exp(log(−log s) ± z·√Σ / log s)).
fn band(s: f64, greenwood: f64) -> (f64, f64) {
    if s <= 0.0 {
        return (0.0, 0.0);
    }
    let v = s.ln();
    if v == 0.0 {
        return (1.0, 1.0);
    }
    let spread = Z95 * greenwood.sqrt() / v;
    let at = |sign: f64| (-(((-v).ln() + sign * spread).exp())).exp();
    (at(-1.0), at(1.0))
}

/// The first time at which `curve` is at or below `q` (lifelines' `qth_survival_time`); `None`
/// when it never gets there.
fn first_at_or_below(times: &[f64], curve: &[f64], q: f64) -> Option<f64> {
    times.iter().zip(curve).find(|(_, v)| **v <= q).map(|(t, _)| *t)
}

impl KaplanMeier {
    /// Median survival time: the first time survival is at or below ½.
    pub fn median(&self) -> Option<f64> {
        first_at_or_below(&self.times, &self.survival, 0.5)
    }

    /// The 95% CI of the median: where each edge of the band first reaches ½.
    pub fn median_ci(&self) -> (Option<f64>, Option<f64>) {
        (
            first_at_or_below(&self.times, &self.lower, 0.5),
            first_at_or_below(&self.times, &self.upper, 0.5),
        )
    }

    /// Survival just after `t` (1 before the first time).
    pub fn at(&self, t: f64) -> f64 {
        match self.times.iter().rposition(|&x| x <= t) {
            Some(i) => self.survival[i],
            None => 1.0,
        }
    }

    /// Restricted mean survival time: the area under the curve from 0 to `horizon`.
    pub fn rmst(&self, horizon: f64) -> f64 {
        let mut area = 0.0;
        for (i, &t) in self.times.iter().enumerate() {
            if t >= horizon {
                break;
            }
            let next = self.times.get(i + 1).map_or(horizon, |&n| n.min(horizon));
            area += self.survival[i] * (next - t);
        }
        area
    }
}

/// A log-rank test across groups.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRank {
    pub statistic: f64,
    pub df: usize,
    pub p: f64,
}

/// The multivariate log-rank test of `groups` (0..k) — lifelines' `multivariate_logrank_test`:
/// observed minus expected events per group, with their hypergeometric covariance, over the
/// first k − 1 groups. `None` with fewer than two groups or no events.
pub fn logrank(durations: &[f64], events: &[bool], groups: &[usize]) -> Option<LogRank> {
    let k = groups.iter().copied().max()? + 1;
    if k < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..durations.len()).filter(|&i| durations[i].is_finite()).collect();
    order.sort_by(|&a, &b| durations[a].total_cmp(&durations[b]));
    let mut at_risk = vec![0.0_f64; k];
    for &i in &order {
        at_risk[groups[i]] += 1.0;
    }
    let mut observed_minus_expected = vec![0.0; k];
    let mut v = vec![0.0; k * k];
    let mut any_event = false;
    let mut j = 0;
    while j < order.len() {
        let t = durations[order[j]];
        let mut deaths = vec![0.0; k];
        let mut leaving = vec![0.0; k];
        while j < order.len() && durations[order[j]] == t {
            let g = groups[order[j]];
            if events[order[j]] {
                deaths[g] += 1.0;
            }
            leaving[g] += 1.0;
            j += 1;
        }
        let d: f64 = deaths.iter().sum();
        let n: f64 = at_risk.iter().sum();
        if d > 0.0 {
            any_event = true;
            // ((n − d) / (n − 1)) · d / n², with lifelines' 1 where n = 1.
            let ratio = if n > 1.0 { (n - d) / (n - 1.0) } else { 1.0 };
            let factor = ratio * d / (n * n);
            for a in 0..k {
                observed_minus_expected[a] += deaths[a] - at_risk[a] * d / n;
                for b in 0..k {
                    let delta = if a == b { n } else { 0.0 };
                    v[a * k + b] += factor * at_risk[a] * (delta - at_risk[b]);
                }
            }
        }
        for g in 0..k {
            at_risk[g] -= leaving[g];
        }
    }
    if !any_event {
        return None;
    }
    let p = k - 1;
    let sub: Vec<f64> = (0..p)
        .flat_map(|a| (0..p).map(move |b| (a, b)))
        .map(|(a, b)| v[a * k + b])
        .collect();
    let (inv, _) = invert_spd(&sub, p)?;
    let statistic: f64 = (0..p)
        .flat_map(|a| (0..p).map(move |b| (a, b)))
        .map(|(a, b)| observed_minus_expected[a] * inv[a * p + b] * observed_minus_expected[b])
        .sum();
    Some(LogRank {
        statistic,
        df: p,
        p: chi2_sf(statistic, p as f64),
    })
}

/// A Cox proportional-hazards fit: one coefficient per covariate.
#[derive(Clone, Debug, PartialEq)]
pub struct Cox {
    pub coef: Vec<f64>,
    pub se: Vec<f64>,
    /// Two-sided Wald p of each coefficient.
    pub p: Vec<f64>,
    /// 95% CI of each hazard ratio exp(coef).
    pub hr_lower: Vec<f64>,
    pub hr_upper: Vec<f64>,
    pub log_likelihood: f64,
}

/// The Efron partial log-likelihood of `beta`, its gradient and information matrix. `x` is
/// row-major n × p; `order` sorts the subjects by duration, latest first.
fn efron(
    durations: &[f64],
    events: &[bool],
    x: &[f64],
    p: usize,
    order: &[usize],
    beta: &[f64],
) -> (f64, Vec<f64>, Vec<f64>) {
    let (mut loglik, mut grad, mut info) = (0.0, vec![0.0; p], vec![0.0; p * p]);
    let (mut s0, mut s1, mut s2) = (0.0, vec![0.0; p], vec![0.0; p * p]);
    let row = |i: usize| &x[i * p..(i + 1) * p];
    let mut k = 0;
    // Walk from the latest time back, so each risk set is the running sum.
    while k < order.len() {
        let t = durations[order[k]];
        let (mut t0, mut t1, mut t2) = (0.0, vec![0.0; p], vec![0.0; p * p]);
        let mut deaths = 0usize;
        while k < order.len() && durations[order[k]] == t {
            let i = order[k];
            let xi = row(i);
            let eta: f64 = xi.iter().zip(beta).map(|(a, b)| a * b).sum();
            let w = eta.exp();
            s0 += w;
            for a in 0..p {
                s1[a] += w * xi[a];
                for b in 0..p {
                    s2[a * p + b] += w * xi[a] * xi[b];
                }
            }
            if events[i] {
                deaths += 1;
                t0 += w;
                loglik += eta;
                for a in 0..p {
                    t1[a] += w * xi[a];
                    grad[a] += xi[a];
                    for b in 0..p {
                        t2[a * p + b] += w * xi[a] * xi[b];
                    }
                }
            }
            k += 1;
        }
        for l in 0..deaths {
            let phi = l as f64 / deaths as f64;
            let d0 = s0 - phi * t0;
            loglik -= d0.ln();
            let d1: Vec<f64> = (0..p).map(|a| s1[a] - phi * t1[a]).collect();
            for a in 0..p {
                grad[a] -= d1[a] / d0;
                for b in 0..p {
                    let d2 = s2[a * p + b] - phi * t2[a * p + b];
                    info[a * p + b] += d2 / d0 - d1[a] * d1[b] / (d0 * d0);
                }
            }
        }
    }
    (loglik, grad, info)
}

/// Cox proportional hazards with Efron's handling of tied times, fitted by Newton–Raphson with
/// step halving (as lifelines' `CoxPHFitter`, no penalty). `x` is row-major n × p. `None` when
/// there are no events or the information matrix is singular (a covariate constant among the
/// subjects, or one that separates the events perfectly).
pub fn cox(durations: &[f64], events: &[bool], x: &[f64], p: usize) -> Option<Cox> {
    if p == 0 || x.len() != durations.len() * p || !events.iter().any(|e| *e) {
        return None;
    }
    let mut order: Vec<usize> = (0..durations.len())
        .filter(|&i| durations[i].is_finite() && x[i * p..(i + 1) * p].iter().all(|v| v.is_finite()))
        .collect();
    order.sort_by(|&a, &b| durations[b].total_cmp(&durations[a]));
    let mut beta = vec![0.0; p];
    let (mut loglik, mut grad, mut info) = efron(durations, events, x, p, &order, &beta);
    for _ in 0..100 {
        let (inv, _) = invert_spd(&info, p)?;
        let step: Vec<f64> = (0..p).map(|a| (0..p).map(|b| inv[a * p + b] * grad[b]).sum()).collect();
        let mut scale = 1.0;
        let mut next;
        loop {
            let candidate: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + scale * s).collect();
            next = (candidate.clone(), efron(durations, events, x, p, &order, &candidate));
            if next.1.0 >= loglik - 1e-12 * loglik.abs() || scale < 1e-6 {
                break;
            }
            scale /= 2.0;
        }
        let change = (next.1.0 - loglik).abs();
        beta = next.0;
        (loglik, grad, info) = next.1;
        if change < 1e-10 && step.iter().all(|s| (scale * s).abs() < 1e-9) {
            break;
        }
    }
    let (inv, _) = invert_spd(&info, p)?;
    let se: Vec<f64> = (0..p).map(|a| inv[a * p + a].sqrt()).collect();
    let pvalue = (0..p)
        .map(|a| 2.0 * super::special::normal_sf((beta[a] / se[a]).abs()))
        .collect();
    let hr_lower = (0..p).map(|a| (beta[a] - Z95 * se[a]).exp()).collect();
    let hr_upper = (0..p).map(|a| (beta[a] + Z95 * se[a]).exp()).collect();
    Some(Cox {
        coef: beta,
        se,
        p: pvalue,
        hr_lower,
        hr_upper,
        log_likelihood: loglik,
    })
}
