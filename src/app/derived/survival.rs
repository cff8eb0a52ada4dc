//! The Survival view's curves: each subject's follow-up for the chosen endpoint and origin
//! (`cohort::time_to_event`, once per choice), then Kaplan–Meier, log-rank and Cox over the
//! groups the view draws — the explorer's grouping or the selection against the rest — for the
//! subjects the filters show. Cheap (a sort per group), so it runs when a choice changes.

use super::Derived;
use crate::cohort::{Endpoint, Grouping, Origin, Survival, TimeToEvent, survival, time_to_event};

/// One endpoint's follow-up, or why the cohort has none.
pub fn follow_up(derived: &Derived, endpoint: Endpoint, origin: Origin) -> Result<TimeToEvent, String> {
    let frames = derived.tables.frames(&derived.cohort);
    time_to_event(frames, endpoint, origin).map_err(|e| e.to_string())
}

/// Survival by group for the visible subjects: `group_of[s]` is subject s's group (an index
/// into `names`), `visible[s]` whether the filters show it.
pub fn curves(
    derived: &Derived,
    tte: &TimeToEvent,
    names: &[String],
    group_of: &[usize],
    visible: &[bool],
) -> Result<Survival, String> {
    let mut shown = tte.clone();
    for (k, v) in shown.of_subject.iter_mut().enumerate() {
        if !visible.get(k).copied().unwrap_or(false) {
            *v = None;
        }
    }
    if shown.counts().0 == 0 {
        return Err("no shown subject has a follow-up time for this endpoint".to_owned());
    }
    let grouping = Grouping {
        column: String::new(),
        levels: names.to_vec(),
        of_subject: group_of.to_vec(),
    };
    let frames = derived.tables.frames(&derived.cohort);
    survival(frames, &grouping, &shown, &[], None).map_err(|e| e.to_string())
}
