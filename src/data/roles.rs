//! Column roles: what a column means (subject, visit date, weight, ALSFRS-R item 7, …), found
//! by matching normalised header names against synonyms in English and Chinese, and
//! overridable by the user (`--column ROLE=NAME`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::units::Unit;

/// What a column holds. Names (`as_str`) are the `--column` role names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Role {
    Subject,
    Sample,
    Visit,
    VisitNumber,
    Date,
    Day,
    Month,
    Group,
    Arm,
    Site,
    Sex,
    Age,
    BirthYear,
    BirthDate,
    OnsetDate,
    OnsetDelta,
    OnsetRegion,
    Height,
    HeightUnits,
    Weight,
    WeightUnits,
    PremorbidWeight,
    Bmi,
    Ree,
    ReeUnits,
    Fvc,
    SixMwd,
    /// ALSFRS-R item: 1..=12 plus 5a (as 5) and 5b (as 13).
    Item(u8),
    AlsfrsRTotal,
    /// The original 40-point ALSFRS total (PRO-ACT `ALSFRS_Total`), never mixed with ALSFRS-R.
    AlsfrsTotal,
    Taxon,
    Abundance,
    RepeatInstrument,
    RepeatInstance,
}

/// Item number used for ALSFRS-R item 5b (cutting food with gastrostomy).
pub const ITEM_5B: u8 = 13;

impl Role {
    /// Every role, in the order reports list them.
    pub fn all() -> Vec<Role> {
        use Role::{
            Abundance, Age, AlsfrsRTotal, AlsfrsTotal, Arm, BirthDate, BirthYear, Bmi, Date, Day, Fvc, Group, Height,
            HeightUnits, Item, Month, OnsetDate, OnsetDelta, OnsetRegion, PremorbidWeight, Ree, ReeUnits,
            RepeatInstance, RepeatInstrument, Sample, Sex, Site, SixMwd, Subject, Taxon, Visit, VisitNumber, Weight,
            WeightUnits,
        };
        let mut roles = vec![
            Subject,
            Sample,
            Visit,
            VisitNumber,
            Date,
            Day,
            Month,
            Group,
            Arm,
            Site,
            Sex,
            Age,
            BirthYear,
            BirthDate,
            OnsetDate,
            OnsetDelta,
            OnsetRegion,
            Height,
            HeightUnits,
            Weight,
            WeightUnits,
            PremorbidWeight,
            Bmi,
            Ree,
            ReeUnits,
            Fvc,
            SixMwd,
        ];
        roles.extend((1..=ITEM_5B).map(Item));
        roles.extend([
            AlsfrsRTotal,
            AlsfrsTotal,
            Taxon,
            Abundance,
            RepeatInstrument,
            RepeatInstance,
        ]);
        roles
    }

    /// The `snake_case` name used on the command line and in reports.
    pub fn as_str(self) -> String {
        match self {
            Role::Item(5) => "alsfrs_q5a".to_owned(),
            Role::Item(ITEM_5B) => "alsfrs_q5b".to_owned(),
            Role::Item(n) => format!("alsfrs_q{n}"),
            other => other.plain_name().to_owned(),
        }
    }

    fn plain_name(self) -> &'static str {
        match self {
            Role::Subject => "subject",
            Role::Sample => "sample",
            Role::Visit => "visit",
            Role::VisitNumber => "visit_number",
            Role::Date => "date",
            Role::Day => "day",
            Role::Month => "month",
            Role::Group => "group",
            Role::Arm => "arm",
            Role::Site => "site",
            Role::Sex => "sex",
            Role::Age => "age",
            Role::BirthYear => "birth_year",
            Role::BirthDate => "birth_date",
            Role::OnsetDate => "onset_date",
            Role::OnsetDelta => "onset_delta",
            Role::OnsetRegion => "onset_region",
            Role::Height => "height",
            Role::HeightUnits => "height_units",
            Role::Weight => "weight",
            Role::WeightUnits => "weight_units",
            Role::PremorbidWeight => "premorbid_weight",
            Role::Bmi => "bmi",
            Role::Ree => "ree",
            Role::ReeUnits => "ree_units",
            Role::Fvc => "fvc",
            Role::SixMwd => "six_mwd",
            Role::Item(_) => "alsfrs_item",
            Role::AlsfrsRTotal => "alsfrs_r_total",
            Role::AlsfrsTotal => "alsfrs_total",
            Role::Taxon => "taxon",
            Role::Abundance => "abundance",
            Role::RepeatInstrument => "repeat_instrument",
            Role::RepeatInstance => "repeat_instance",
        }
    }

    /// True for roles measured at a visit (as opposed to once per subject).
    pub fn is_visit_measure(self) -> bool {
        matches!(
            self,
            Role::Height
                | Role::Weight
                | Role::Bmi
                | Role::Ree
                | Role::Fvc
                | Role::SixMwd
                | Role::Item(_)
                | Role::AlsfrsRTotal
                | Role::AlsfrsTotal
        )
    }

    /// True for roles that describe the subject once (sex, site, onset, …).
    pub fn is_subject_attribute(self) -> bool {
        matches!(
            self,
            Role::Group
                | Role::Arm
                | Role::Site
                | Role::Sex
                | Role::Age
                | Role::BirthYear
                | Role::BirthDate
                | Role::OnsetDate
                | Role::OnsetDelta
                | Role::OnsetRegion
                | Role::PremorbidWeight
        )
    }

    /// True for roles that place a row in time.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Role::Visit | Role::VisitNumber | Role::Date | Role::Day | Role::Month
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<Role> for String {
    fn from(role: Role) -> String {
        role.as_str()
    }
}

impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = normalize(s).0;
        Role::all()
            .into_iter()
            .find(|r| normalize(&r.as_str()).0 == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown role `{s}`; roles are: {}",
                    Role::all().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                )
            })
    }
}

/// A header reduced for matching: lower case, without spaces, `_`, `-`, `.`, `/`, a leading
/// `#`, and without a unit in brackets, which is returned separately (`Weight (kg)` →
/// `weight`, `kg`).
pub fn normalize(header: &str) -> (String, Option<String>) {
    let mut name = header.trim().trim_start_matches('#').to_lowercase();
    let mut unit = None;
    for (open, close) in [('(', ')'), ('[', ']'), ('（', '）')] {
        if let (Some(a), Some(b)) = (name.find(open), name.rfind(close))
            && a < b
        {
            unit = Some(name[a + open.len_utf8()..b].trim().to_owned());
            name.replace_range(a..b + close.len_utf8(), "");
        }
    }
    name.retain(|c| !matches!(c, ' ' | '_' | '-' | '.' | '/' | '\t' | '　'));
    (name, unit)
}

/// Synonyms per role, most specific first; each is a normalised header (see [`normalize`]),
/// optionally with the unit it implies.
fn synonyms(role: Role) -> Vec<(String, Option<Unit>)> {
    use Unit::{Centimetre, Inch, Kcal, KiloJoule, Kilogram, Metre, Pound};
    let plain = |names: &[&str]| names.iter().map(|n| ((*n).to_owned(), None)).collect::<Vec<_>>();
    match role {
        Role::Subject => plain(&[
            "subjectid",
            "subject",
            "patientid",
            "patient",
            "recordid",
            "hostsubjectid",
            "studyid",
            "participantid",
            "participant",
            "subjid",
            "usubjid",
            "患者编号",
            "受试者编号",
            "患者id",
            "病例编号",
            "id",
        ]),
        Role::Sample => plain(&[
            "sampleid",
            "sample",
            "samplename",
            "sampleidentifier",
            "samplecode",
            "样本编号",
        ]),
        Role::Visit => plain(&[
            "visit",
            "visitname",
            "visitlabel",
            "redcapeventname",
            "event",
            "timepoint",
            "访视",
        ]),
        Role::VisitNumber => plain(&["visitnumber", "visitno", "visitnum", "visitindex", "访视次数"]),
        Role::Date => plain(&[
            "visitdate",
            "assessmentdate",
            "examdate",
            "collectiondate",
            "sampledate",
            "collectiontimestamp",
            "date",
            "访视日期",
            "采样日期",
            "日期",
        ]),
        Role::Day => plain(&[
            "dayssincebaseline",
            "daysfrombaseline",
            "daysfromenrolment",
            "daysfromenrollment",
            "studyday",
            "visitday",
            "alsfrsdelta",
            "vitalsignsdelta",
            "forcedvitalcapacitydelta",
            "slowvitalcapacitydelta",
            "dayssinceexperimentstart",
            "timedays",
            "days",
            "day",
            "访视天数",
        ]),
        Role::Month => plain(&[
            "monthssincebaseline",
            "monthsfrombaseline",
            "visitmonth",
            "months",
            "month",
        ]),
        Role::Group => plain(&[
            "group",
            "diagnosis",
            "cohort",
            "condition",
            "disease",
            "status",
            "组别",
            "分组",
            "诊断",
        ]),
        Role::Arm => plain(&[
            "arm",
            "studyarm",
            "treatmentarm",
            "treatmentgroup",
            "treatment",
            "intervention",
            "exercisearm",
            "干预组",
        ]),
        Role::Site => plain(&[
            "site",
            "siteid",
            "centre",
            "center",
            "centreid",
            "centerid",
            "clinic",
            "中心",
            "研究中心",
        ]),
        Role::Sex => plain(&["sex", "gender", "性别"]),
        Role::Age => plain(&["ageatbaseline", "age", "ageyears", "年龄"]),
        Role::BirthYear => plain(&["birthyear", "yearofbirth", "yob", "出生年份"]),
        Role::BirthDate => plain(&["birthdate", "dateofbirth", "dob", "出生日期"]),
        Role::OnsetDate => plain(&["onsetdate", "dateofonset", "symptomonsetdate", "发病日期", "起病日期"]),
        Role::OnsetDelta => plain(&["onsetdelta", "onsetdeltadays", "onsetdays", "daysfromonset"]),
        Role::OnsetRegion => plain(&[
            "onsetregion",
            "siteofonset",
            "onsetsite",
            "regionofonset",
            "onsettype",
            "起病部位",
            "发病部位",
        ]),
        Role::Height => vec![
            ("height".into(), None),
            ("heightcm".into(), Some(Centimetre)),
            ("heightm".into(), Some(Metre)),
            ("heightin".into(), Some(Inch)),
            ("heightinches".into(), Some(Inch)),
            ("身高".into(), None),
        ],
        Role::HeightUnits => plain(&["heightunits", "heightunit"]),
        Role::Weight => vec![
            ("weight".into(), None),
            ("weightkg".into(), Some(Kilogram)),
            ("bodyweight".into(), None),
            ("weightlb".into(), Some(Pound)),
            ("weightlbs".into(), Some(Pound)),
            ("体重".into(), None),
        ],
        Role::WeightUnits => plain(&["weightunits", "weightunit"]),
        Role::PremorbidWeight => vec![
            ("premorbidweight".into(), None),
            ("premorbidweightkg".into(), Some(Kilogram)),
            ("usualweight".into(), None),
            ("病前体重".into(), None),
        ],
        Role::Bmi => plain(&["bmi", "bodymassindex", "体重指数"]),
        Role::Ree => vec![
            ("reemeasured".into(), None),
            ("measuredree".into(), None),
            ("ree".into(), None),
            ("reekcal".into(), Some(Kcal)),
            ("reekcalday".into(), Some(Kcal)),
            ("reekj".into(), Some(KiloJoule)),
            ("reekjday".into(), Some(KiloJoule)),
            ("restingenergyexpenditure".into(), None),
            ("静息能量消耗".into(), None),
        ],
        Role::ReeUnits => plain(&["reeunits", "reeunit"]),
        Role::Fvc => plain(&[
            "fvcpercentpredicted",
            "fvcpctpredicted",
            "fvcpercent",
            "fvcpct",
            "fvcpredicted",
            "fvc",
            "pctofnormaltrial1",
        ]),
        Role::SixMwd => plain(&[
            "sixminutewalkm",
            "sixminutewalk",
            "sixminutewalkdistance",
            "6mwd",
            "6mwt",
            "sixmwd",
            "6minutewalk",
            "6mwtdistance",
            "6mwdm",
        ]),
        Role::Item(n) => item_synonyms(n),
        Role::AlsfrsRTotal => plain(&[
            "alsfrsrtotal",
            "alsfrsr",
            "alsfrsrscore",
            "alsfrsrtotalscore",
            "frs",
            "alsfrsrtot",
            "alsfrsr总分",
            "alsfrsr评分",
        ]),
        Role::AlsfrsTotal => plain(&["alsfrstotal", "alsfrs", "alsfrsscore"]),
        Role::Taxon => plain(&[
            "taxon",
            "taxonomy",
            "clade",
            "cladename",
            "feature",
            "featureid",
            "otu",
            "asv",
        ]),
        Role::Abundance => plain(&[
            "abundance",
            "relativeabundance",
            "relabundance",
            "count",
            "counts",
            "reads",
            "value",
        ]),
        Role::RepeatInstrument => plain(&["redcaprepeatinstrument"]),
        Role::RepeatInstance => plain(&["redcaprepeatinstance"]),
    }
}

/// Names of ALSFRS-R items as questionnaires and PRO-ACT write them.
fn item_synonyms(n: u8) -> Vec<(String, Option<Unit>)> {
    let (num, words): (&str, &[&str]) = match n {
        1 => ("1", &["q1speech", "speech"]),
        2 => ("2", &["q2salivation", "salivation"]),
        3 => ("3", &["q3swallowing", "swallowing"]),
        4 => ("4", &["q4handwriting", "handwriting"]),
        5 => (
            "5a",
            &[
                "q5acuttingwithoutgastrostomy",
                "cuttingfoodwithoutgastrostomy",
                "cuttingfood",
            ],
        ),
        6 => ("6", &["q6dressingandhygiene", "dressingandhygiene", "dressing"]),
        7 => ("7", &["q7turninginbed", "turninginbed"]),
        8 => ("8", &["q8walking", "walking"]),
        9 => ("9", &["q9climbingstairs", "climbingstairs"]),
        10 => ("10", &["r1dyspnea", "dyspnea", "dyspnoea"]),
        11 => ("11", &["r2orthopnea", "orthopnea", "orthopnoea"]),
        12 => ("12", &["r3respiratoryinsufficiency", "respiratoryinsufficiency"]),
        _ => ("5b", &["q5bcuttingwithgastrostomy", "cuttingfoodwithgastrostomy"]),
    };
    let mut names: Vec<String> = [
        "alsfrsq",
        "alsfrsrq",
        "alsfrsritem",
        "alsfrsitem",
        "alsfrsr",
        "q",
        "item",
    ]
    .iter()
    .map(|p| format!("{p}{num}"))
    .collect();
    if n == 5 {
        names.extend(["alsfrsq5", "alsfrsrq5", "q5"].map(str::to_owned));
    }
    names.extend(words.iter().map(|w| (*w).to_owned()));
    names.into_iter().map(|n| (n, None)).collect()
}

/// The role assigned to a column, with the unit its header implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleMatch {
    pub role: Role,
    pub col: usize,
    pub header: String,
    pub unit: Option<Unit>,
}

/// User overrides: role → header name (matched after normalisation).
pub type Overrides = BTreeMap<Role, String>;

/// Assign roles to headers: overrides first, then each role takes its best-ranked synonym.
/// A column gets at most one role; a role at most one column.
pub fn assign_roles(headers: &[String], overrides: &Overrides) -> Vec<RoleMatch> {
    let normalized: Vec<(String, Option<String>)> = headers.iter().map(|h| normalize(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut out = Vec::new();
    for (role, name) in overrides {
        let wanted = normalize(name).0;
        if let Some(col) = normalized.iter().position(|(n, _)| *n == wanted)
            && !taken[col]
        {
            taken[col] = true;
            out.push(RoleMatch {
                role: *role,
                col,
                header: headers[col].clone(),
                unit: unit_hint(normalized[col].1.as_deref()),
            });
        }
    }
    // Bare `year`/`month`/`day` columns together are a calendar date, not time offsets.
    let calendar = ["year", "month", "day"]
        .iter()
        .all(|w| normalized.iter().any(|(n, _)| n == w));
    for role in Role::all() {
        if out.iter().any(|m| m.role == role) {
            continue;
        }
        let syns = synonyms(role);
        let best = syns.iter().enumerate().find_map(|(rank, (syn, unit))| {
            if calendar && matches!(syn.as_str(), "month" | "day") {
                return None;
            }
            normalized
                .iter()
                .position(|(n, _)| n == syn)
                .filter(|&col| !taken[col])
                .map(|col| (rank, col, *unit))
        });
        if let Some((_, col, unit)) = best {
            taken[col] = true;
            let unit = unit.or_else(|| unit_hint(normalized[col].1.as_deref()));
            out.push(RoleMatch {
                role,
                col,
                header: headers[col].clone(),
                unit,
            });
        }
    }
    out.sort_by_key(|m| m.col);
    out
}

fn unit_hint(bracketed: Option<&str>) -> Option<Unit> {
    bracketed.and_then(Unit::parse)
}

/// Find the match for a role, if assigned.
pub fn find(matches: &[RoleMatch], role: Role) -> Option<&RoleMatch> {
    matches.iter().find(|m| m.role == role)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles_of(headers: &[&str]) -> Vec<(String, Role)> {
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        assign_roles(&headers, &Overrides::new())
            .into_iter()
            .map(|m| (m.header, m.role))
            .collect()
    }

    #[test]
    fn normalisation_strips_units_and_punctuation() {
        assert_eq!(normalize("Weight (kg)"), ("weight".to_owned(), Some("kg".to_owned())));
        assert_eq!(normalize("ALSFRS-R total").0, "alsfrsrtotal");
        assert_eq!(normalize("#SampleID").0, "sampleid");
        assert_eq!(normalize("ALSFRS-R总分").0, "alsfrsr总分");
    }

    #[test]
    fn english_and_chinese_headers() {
        let got = roles_of(&["Patient ID", "Visit Date", "Weight (lb)", "ALSFRS-R"]);
        assert_eq!(got[0].1, Role::Subject);
        assert_eq!(got[1].1, Role::Date);
        assert_eq!(got[2].1, Role::Weight);
        assert_eq!(got[3].1, Role::AlsfrsRTotal);
        let got = roles_of(&[
            "患者编号",
            "访视日期",
            "体重",
            "身高",
            "静息能量消耗",
            "ALSFRS-R总分",
            "性别",
        ]);
        let roles: Vec<Role> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            roles,
            [
                Role::Subject,
                Role::Date,
                Role::Weight,
                Role::Height,
                Role::Ree,
                Role::AlsfrsRTotal,
                Role::Sex
            ]
        );
    }

    #[test]
    fn proact_alsfrs_total_is_not_alsfrs_r() {
        let got = roles_of(&[
            "subject_id",
            "Q1_Speech",
            "Q5a_Cutting_without_Gastrostomy",
            "R_1_Dyspnea",
            "ALSFRS_Total",
            "ALSFRS_R_Total",
            "ALSFRS_Delta",
        ]);
        let roles: Vec<Role> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            roles,
            [
                Role::Subject,
                Role::Item(1),
                Role::Item(5),
                Role::Item(10),
                Role::AlsfrsTotal,
                Role::AlsfrsRTotal,
                Role::Day
            ]
        );
    }

    #[test]
    fn calendar_triples_are_not_offsets() {
        let got = roles_of(&[
            "sample-id",
            "year",
            "month",
            "day",
            "subject",
            "days-since-experiment-start",
        ]);
        assert!(
            got.iter()
                .any(|g| g.0 == "days-since-experiment-start" && g.1 == Role::Day)
        );
        assert!(!got.iter().any(|g| g.0 == "month"));
    }

    #[test]
    fn overrides_win_and_parse() {
        let headers = vec!["pid".to_owned(), "kg".to_owned()];
        let mut o = Overrides::new();
        o.insert("subject".parse().unwrap(), "PID".to_owned());
        o.insert("weight".parse().unwrap(), "kg".to_owned());
        let got = assign_roles(&headers, &o);
        assert_eq!(got.len(), 2);
        assert!("nonsense".parse::<Role>().is_err());
        assert_eq!("alsfrs_q5b".parse::<Role>(), Ok(Role::Item(ITEM_5B)));
    }
}
