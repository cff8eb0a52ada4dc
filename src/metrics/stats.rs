//! Exploratory statistics, matching scipy.stats and statsmodels: Mann–Whitney U,
//! Kruskal–Wallis, Spearman and Pearson correlation, Benjamini–Hochberg FDR.

use super::special::{chi2_sf, normal_sf, t_two_sided};

/// A test statistic with its (two-sided) p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestResult {
    pub statistic: f64,
    pub p_value: f64,
}

/// Average ranks (1-based, ties share their mean rank), as `scipy.stats.rankdata`.
pub fn rank_average(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Sizes of tied groups (for tie corrections).
fn tie_sizes(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|v| **v == sorted[i]).count();
        out.push(j as f64);
        i += j;
    }
    out
}

/// Two-sided Mann–Whitney U test, as `scipy.stats.mannwhitneyu(x, y)` with its defaults:
/// exact when either sample has at most 8 values and there are no ties, otherwise the normal
/// approximation with tie and continuity corrections. The statistic is U of `x`.
pub fn mann_whitney_u(x: &[f64], y: &[f64]) -> Option<TestResult> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let all: Vec<f64> = x.iter().chain(y).copied().collect();
    let ranks = rank_average(&all);
    let r1: f64 = ranks[..n1].iter().sum();
    let u1 = r1 - (n1 * (n1 + 1)) as f64 / 2.0;
    let u2 = (n1 * n2) as f64 - u1;
    let u = u1.max(u2);
    let ties = tie_sizes(&all);
    let has_ties = ties.iter().any(|t| *t > 1.0);
    let p = if (n1 > 8 && n2 > 8) || has_ties {
        let n = (n1 + n2) as f64;
        let tie_term: f64 = ties.iter().map(|t| t * t * t - t).sum();
        let s = ((n1 * n2) as f64 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
        let z = (u - (n1 * n2) as f64 / 2.0 - 0.5) / s;
        2.0 * normal_sf(z)
    } else {
        2.0 * exact_u_sf(u as usize, n1, n2)
    };
    Some(TestResult {
        statistic: u1,
        p_value: p.clamp(0.0, 1.0),
    })
}

/// P(U ≥ u) under the null, by counting arrangements (f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1)).
fn exact_u_sf(u: usize, n1: usize, n2: usize) -> f64 {
    let max_u = n1 * n2;
    // counts[m][n][k]; built up row by row in m.
    let mut prev: Vec<Vec<f64>> = (0..=n2)
        .map(|_| {
            let mut v = vec![0.0; max_u + 1];
            v[0] = 1.0;
            v
        })
        .collect();
    for _ in 1..=n1 {
        let mut cur: Vec<Vec<f64>> = vec![vec![0.0; max_u + 1]; n2 + 1];
        cur[0][0] = 1.0;
        for n in 1..=n2 {
            for k in 0..=max_u {
                let a = if k >= n { prev[n][k - n] } else { 0.0 };
                cur[n][k] = a + cur[n - 1][k];
            }
        }
        prev = cur;
    }
    let counts = &prev[n2];
    let total: f64 = counts.iter().sum();
    counts[u.min(max_u)..].iter().sum::<f64>() / total
}

/// Samples above this size use the normal approximation even without ties (scipy's `auto`).
const MAX_EXACT_SIGNED_RANK: usize = 50;

/// Two-sided Wilcoxon signed-rank test of paired differences against zero, as
/// `scipy.stats.wilcoxon(d)` with its defaults (zeros dropped, no continuity correction): for
/// up to 50 differences, exact without ties or zeros, and with them the exact sign-flip
/// distribution up to 13 differences; otherwise the normal approximation (tie-corrected
/// variance). The statistic is min(W+, W−).
pub fn wilcoxon_signed_rank(d: &[f64]) -> Option<TestResult> {
    let finite: Vec<f64> = d.iter().copied().filter(|v| v.is_finite()).collect();
    let nonzero: Vec<f64> = finite.iter().copied().filter(|v| *v != 0.0).collect();
    let has_zeros = nonzero.len() < finite.len();
    let n = nonzero.len();
    if n == 0 {
        return None;
    }
    let abs: Vec<f64> = nonzero.iter().map(|v| v.abs()).collect();
    let ranks = rank_average(&abs);
    let r_plus: f64 = nonzero
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v > 0.0)
        .map(|(_, r)| r)
        .sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let statistic = r_plus.min(total - r_plus);
    let ties = tie_sizes(&abs);
    let has_ties = ties.iter().any(|t| *t > 1.0);
    let p = if !has_ties && !has_zeros && finite.len() <= MAX_EXACT_SIGNED_RANK {
        // Counts of each W+ over the 2ⁿ sign patterns of ranks 1..n.
        let max = n * (n + 1) / 2;
        let mut counts = vec![0.0f64; max + 1];
        counts[0] = 1.0;
        for k in 1..=n {
            for w in (k..=max).rev() {
                counts[w] += counts[w - k];
            }
        }
        let all: f64 = counts.iter().sum();
        let w = r_plus.round() as usize;
        let below: f64 = counts[..=w.min(max)].iter().sum::<f64>() / all;
        let above: f64 = counts[w.min(max)..].iter().sum::<f64>() / all;
        2.0 * below.min(above)
    } else if finite.len() <= 13 {
        // Every sign pattern of the differences (zeros flip to themselves).
        let mut below = 0.0f64;
        let mut above = 0.0f64;
        let patterns = 1u32 << n;
        for mask in 0..patterns {
            let w: f64 = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| ranks[i]).sum();
            if w <= r_plus + 1e-9 {
                below += 1.0;
            }
            if w >= r_plus - 1e-9 {
                above += 1.0;
            }
        }
        2.0 * (below.min(above) / f64::from(patterns))
    } else {
        let nf = n as f64;
        let tie_term: f64 = ties.iter().map(|t| t * t * t - t).sum();
        let se = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
        2.0 * normal_sf(((r_plus - total / 2.0) / se).abs())
    };
    Some(TestResult {
        statistic,
        p_value: p.clamp(0.0, 1.0),
    })
}

/// Kruskal–Wallis H test with tie correction, as `scipy.stats.kruskal`.
pub fn kruskal_wallis(groups: &[&[f64]]) -> Option<TestResult> {
    let groups: Vec<&[f64]> = groups.iter().copied().filter(|g| !g.is_empty()).collect();
    if groups.len() < 2 {
        return None;
    }
    let all: Vec<f64> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let n = all.len() as f64;
    let ranks = rank_average(&all);
    let mut offset = 0;
    let mut sum = 0.0;
    for g in &groups {
        let r: f64 = ranks[offset..offset + g.len()].iter().sum();
        sum += r * r / g.len() as f64;
        offset += g.len();
    }
    let h = 12.0 / (n * (n + 1.0)) * sum - 3.0 * (n + 1.0);
    let ties: f64 = tie_sizes(&all).iter().map(|t| t * t * t - t).sum();
    let correction = 1.0 - ties / (n * n * n - n);
    if correction <= 0.0 {
        return None;
    }
    let h = h / correction;
    Some(TestResult {
        statistic: h,
        p_value: chi2_sf(h, (groups.len() - 1) as f64),
    })
}

/// Pearson correlation with its two-sided p-value (t test, n − 2 df), as `scipy.stats.pearsonr`.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<TestResult> {
    let n = x.len();
    if n < 3 || y.len() != n {
        return None;
    }
    let nf = n as f64;
    let mx = x.iter().sum::<f64>() / nf;
    let my = y.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let df = nf - 2.0;
    let t = r * (df / ((1.0 - r) * (1.0 + r))).sqrt();
    Some(TestResult {
        statistic: r,
        p_value: t_two_sided(t, df),
    })
}

/// Spearman rank correlation with its two-sided p-value, as `scipy.stats.spearmanr`.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<TestResult> {
    if x.len() != y.len() {
        return None;
    }
    pearson(&rank_average(x), &rank_average(y))
}

/// Benjamini–Hochberg adjusted p-values (q-values), in input order, as
/// `statsmodels.stats.multitest.multipletests(p, method="fdr_bh")`.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut q = vec![0.0; m];
    let mut running = 1.0f64;
    for (i, &k) in order.iter().enumerate().rev() {
        running = running.min(p[k] * m as f64 / (i + 1) as f64);
        q[k] = running.min(1.0);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_with_ties() {
        assert_eq!(rank_average(&[3.0, 1.0, 4.0, 1.0, 5.0]), [3.0, 1.5, 4.0, 1.5, 5.0]);
    }

    #[test]
    fn exact_u_distribution_is_symmetric() {
        // n1 = n2 = 3: 20 arrangements; P(U ≥ 9) = 1/20, P(U ≥ 0) = 1.
        assert!((exact_u_sf(9, 3, 3) - 0.05).abs() < 1e-15);
        assert!((exact_u_sf(0, 3, 3) - 1.0).abs() < 1e-15);
        assert!((exact_u_sf(5, 3, 3) - exact_u_sf(5, 3, 3)).abs() < 1e-15);
    }
}
