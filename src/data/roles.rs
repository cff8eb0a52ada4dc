//! Column roles: what a column means (subject, visit date, weight, ALSFRS-R item 7, …), found
//! by matching normalised header names against synonyms in English and Chinese, and
//! overridable by the user (`--column ROLE=NAME`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::units::Unit;
use super::units::Unit::{Centimetre, Inch, Kcal, KiloJoule, Kilogram, Metre, Pound};
use crate::model::columns as c;

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
    DeathDate,
    DeathDays,
    Died,
    TracheostomyDate,
    NivDate,
    GastrostomyDate,
    LastContactDate,
    TracheostomyDays,
    NivDays,
    GastrostomyDays,
    LastContactDays,
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

/// Where a role's values belong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Identifies a subject or sample.
    Id,
    /// Places a row in time (visit label or number, date, day, month).
    Time,
    /// Describes the subject once (arm, sex, onset, …).
    Subject,
    /// Measured at a visit.
    Visit,
    /// Measured at a visit, or given once in a subjects table (height, weight).
    VisitOrSubject,
    /// Names the unit of another column.
    Units,
    /// Microbiome long-table columns (taxon, abundance).
    Microbiome,
    /// REDCap bookkeeping columns.
    Redcap,
}

/// A synonym: a normalised header (see [`normalize`]), with the unit it implies.
type Synonym = (&'static str, Option<Unit>);

/// A synonym that implies no unit.
const fn p(name: &'static str) -> Synonym {
    (name, None)
}

/// A synonym that fixes the unit (`heightcm`).
const fn u(name: &'static str, unit: Unit) -> Synonym {
    (name, Some(unit))
}

/// One role, written once: its `--column` name, where its values belong, the cohort column it
/// fills (in the app's standard unit, converted from the unit its header or units column names),
/// and its header synonyms in English and Chinese, most specific first.
pub struct RoleSpec {
    pub role: Role,
    pub name: &'static str,
    pub scope: Scope,
    pub column: Option<&'static str>,
    pub synonyms: &'static [Synonym],
}

/// Every role, in the order roles are assigned and reports list them. `Item(0)` stands for the
/// 13 ALSFRS-R items, whose names are numbered (see [`item_synonyms`]).
#[rustfmt::skip]
pub const ROLES: &[RoleSpec] = &[
    RoleSpec { role: Role::Subject, name: "subject", scope: Scope::Id, column: Some(c::SUBJECT_ID), synonyms: &[
        p("subjectid"), p("subject"), p("patientid"), p("patient"), p("recordid"), p("hostsubjectid"),
        p("studyid"), p("participantid"), p("participant"), p("subjid"), p("usubjid"), p("患者编号"),
        p("受试者编号"), p("患者id"), p("病例编号"), p("id")] },
    RoleSpec { role: Role::Sample, name: "sample", scope: Scope::Id, column: Some(c::SAMPLE_ID), synonyms: &[
        p("sampleid"), p("sample"), p("samplename"), p("sampleidentifier"), p("samplecode"), p("样本编号")] },
    RoleSpec { role: Role::Visit, name: "visit", scope: Scope::Time, column: Some(c::VISIT), synonyms: &[
        p("visit"), p("visitname"), p("visitlabel"), p("redcapeventname"), p("event"), p("timepoint"), p("访视")] },
    RoleSpec { role: Role::VisitNumber, name: "visit_number", scope: Scope::Time, column: Some(c::VISIT_NUMBER), synonyms: &[
        p("visitnumber"), p("visitno"), p("visitnum"), p("visitindex"), p("访视次数")] },
    RoleSpec { role: Role::Date, name: "date", scope: Scope::Time, column: Some(c::DATE), synonyms: &[
        p("visitdate"), p("assessmentdate"), p("examdate"), p("collectiondate"), p("sampledate"),
        p("collectiontimestamp"), p("date"), p("访视日期"), p("采样日期"), p("日期")] },
    RoleSpec { role: Role::Day, name: "day", scope: Scope::Time, column: Some(c::DAY), synonyms: &[
        p("dayssincebaseline"), p("daysfrombaseline"), p("daysfromenrolment"), p("daysfromenrollment"),
        p("studyday"), p("visitday"), p("alsfrsdelta"), p("vitalsignsdelta"), p("forcedvitalcapacitydelta"),
        p("slowvitalcapacitydelta"), p("dayssinceexperimentstart"), p("timedays"), p("days"), p("day"), p("访视天数")] },
    RoleSpec { role: Role::Month, name: "month", scope: Scope::Time, column: None, synonyms: &[
        p("monthssincebaseline"), p("monthsfrombaseline"), p("visitmonth"), p("months"), p("month")] },
    RoleSpec { role: Role::Group, name: "group", scope: Scope::Subject, column: Some(c::GROUP), synonyms: &[
        p("group"), p("diagnosis"), p("cohort"), p("condition"), p("disease"), p("组别"), p("分组"), p("诊断")] },
    RoleSpec { role: Role::Arm, name: "arm", scope: Scope::Subject, column: Some(c::ARM), synonyms: &[
        p("arm"), p("studyarm"), p("treatmentarm"), p("treatmentgroup"), p("treatment"), p("trt"),
        p("intervention"), p("exercisearm"), p("干预组")] },
    RoleSpec { role: Role::Site, name: "site", scope: Scope::Subject, column: Some(c::SITE), synonyms: &[
        p("site"), p("siteid"), p("centre"), p("center"), p("centreid"), p("centerid"), p("clinic"), p("中心"),
        p("研究中心")] },
    RoleSpec { role: Role::Sex, name: "sex", scope: Scope::Subject, column: Some(c::SEX), synonyms: &[
        p("sex"), p("gender"), p("性别")] },
    RoleSpec { role: Role::Age, name: "age", scope: Scope::Subject, column: Some(c::AGE_YEARS), synonyms: &[
        p("ageatbaseline"), p("age"), p("ageyears"), p("年龄")] },
    RoleSpec { role: Role::BirthYear, name: "birth_year", scope: Scope::Subject, column: Some(c::BIRTH_YEAR), synonyms: &[
        p("birthyear"), p("yearofbirth"), p("yob"), p("出生年份")] },
    RoleSpec { role: Role::BirthDate, name: "birth_date", scope: Scope::Subject, column: Some(c::BIRTH_DATE), synonyms: &[
        p("birthdate"), p("dateofbirth"), p("dob"), p("出生日期")] },
    RoleSpec { role: Role::OnsetDate, name: "onset_date", scope: Scope::Subject, column: Some(c::ONSET_DATE), synonyms: &[
        p("onsetdate"), p("dateofonset"), p("symptomonsetdate"), p("发病日期"), p("起病日期")] },
    RoleSpec { role: Role::OnsetDelta, name: "onset_delta", scope: Scope::Subject, column: Some(c::ONSET_DELTA_DAYS), synonyms: &[
        p("onsetdelta"), p("onsetdeltadays"), p("onsetdays"), p("daysfromonset")] },
    RoleSpec { role: Role::OnsetRegion, name: "onset_region", scope: Scope::Subject, column: Some(c::ONSET_REGION), synonyms: &[
        p("onsetregion"), p("siteofonset"), p("onsetsite"), p("regionofonset"), p("onsettype"), p("起病部位"),
        p("发病部位")] },
    RoleSpec { role: Role::DeathDate, name: "death_date", scope: Scope::Subject, column: Some(c::DEATH_DATE), synonyms: &[
        p("deathdate"), p("dateofdeath"), p("dod"), p("死亡日期")] },
    RoleSpec { role: Role::DeathDays, name: "death_days", scope: Scope::Subject, column: Some(c::DEATH_DAYS), synonyms: &[
        p("deathdays"), p("daystodeath"), p("deathday")] },
    RoleSpec { role: Role::Died, name: "died", scope: Scope::Subject, column: Some(c::DIED), synonyms: &[
        p("subjectdied"), p("died"), p("deceased"), p("dead"), p("是否死亡"), p("死亡")] },
    RoleSpec { role: Role::TracheostomyDate, name: "tracheostomy_date", scope: Scope::Subject, column: Some(c::TRACHEOSTOMY_DATE), synonyms: &[
        p("tracheostomydate"), p("tracheotomydate"), p("dateoftracheostomy"), p("气管切开日期")] },
    RoleSpec { role: Role::NivDate, name: "niv_date", scope: Scope::Subject, column: Some(c::NIV_DATE), synonyms: &[
        p("nivdate"), p("nivstartdate"), p("dateofniv"), p("noninvasiveventilationdate"), p("无创通气日期")] },
    RoleSpec { role: Role::GastrostomyDate, name: "gastrostomy_date", scope: Scope::Subject, column: Some(c::GASTROSTOMY_DATE), synonyms: &[
        p("gastrostomydate"), p("pegdate"), p("dateofgastrostomy"), p("胃造瘘日期")] },
    RoleSpec { role: Role::LastContactDate, name: "last_contact_date", scope: Scope::Subject, column: Some(c::LAST_CONTACT_DATE), synonyms: &[
        p("lastcontactdate"), p("dateoflastcontact"), p("lastfollowupdate"), p("lastfollowup"), p("末次随访日期")] },
    RoleSpec { role: Role::TracheostomyDays, name: "tracheostomy_days", scope: Scope::Subject, column: Some(c::TRACHEOSTOMY_DAYS), synonyms: &[
        p("tracheostomydays"), p("daystotracheostomy")] },
    RoleSpec { role: Role::NivDays, name: "niv_days", scope: Scope::Subject, column: Some(c::NIV_DAYS), synonyms: &[
        p("nivdays"), p("daystoniv")] },
    RoleSpec { role: Role::GastrostomyDays, name: "gastrostomy_days", scope: Scope::Subject, column: Some(c::GASTROSTOMY_DAYS), synonyms: &[
        p("gastrostomydays"), p("daystogastrostomy"), p("pegdays")] },
    RoleSpec { role: Role::LastContactDays, name: "last_contact_days", scope: Scope::Subject, column: Some(c::LAST_CONTACT_DAYS), synonyms: &[
        p("lastcontactdays"), p("daystolastcontact"), p("lastfollowupdays")] },
    RoleSpec { role: Role::Height, name: "height", scope: Scope::VisitOrSubject, column: Some(c::HEIGHT_CM), synonyms: &[
        p("height"), u("heightcm", Centimetre), u("heightm", Metre), u("heightin", Inch), u("heightinches", Inch),
        p("身高")] },
    RoleSpec { role: Role::HeightUnits, name: "height_units", scope: Scope::Units, column: None, synonyms: &[
        p("heightunits"), p("heightunit")] },
    RoleSpec { role: Role::Weight, name: "weight", scope: Scope::VisitOrSubject, column: Some(c::WEIGHT_KG), synonyms: &[
        p("weight"), u("weightkg", Kilogram), p("bodyweight"), u("weightlb", Pound), u("weightlbs", Pound),
        p("体重")] },
    RoleSpec { role: Role::WeightUnits, name: "weight_units", scope: Scope::Units, column: None, synonyms: &[
        p("weightunits"), p("weightunit")] },
    RoleSpec { role: Role::PremorbidWeight, name: "premorbid_weight", scope: Scope::Subject, column: Some(c::PREMORBID_WEIGHT_KG), synonyms: &[
        p("premorbidweight"), u("premorbidweightkg", Kilogram), p("usualweight"), p("病前体重")] },
    RoleSpec { role: Role::Bmi, name: "bmi", scope: Scope::Visit, column: Some(c::BMI), synonyms: &[
        p("bmi"), p("bodymassindex"), p("体重指数")] },
    RoleSpec { role: Role::Ree, name: "ree", scope: Scope::Visit, column: Some(c::REE_MEASURED_KCAL), synonyms: &[
        p("reemeasured"), p("measuredree"), p("ree"), u("reekcal", Kcal), u("reekcalday", Kcal),
        u("reekj", KiloJoule), u("reekjday", KiloJoule), p("restingenergyexpenditure"), p("静息能量消耗")] },
    RoleSpec { role: Role::ReeUnits, name: "ree_units", scope: Scope::Units, column: None, synonyms: &[
        p("reeunits"), p("reeunit")] },
    RoleSpec { role: Role::Fvc, name: "fvc", scope: Scope::Visit, column: Some(c::FVC_PERCENT_PREDICTED), synonyms: &[
        p("fvcpercentpredicted"), p("fvcpctpredicted"), p("fvcpercent"), p("fvcpct"), p("fvcpredicted"), p("fvc"),
        p("pctofnormaltrial1")] },
    RoleSpec { role: Role::SixMwd, name: "six_mwd", scope: Scope::Visit, column: Some(c::SIX_MWD_M), synonyms: &[
        p("sixminutewalkm"), p("sixminutewalk"), p("sixminutewalkdistance"), p("6mwd"), p("6mwt"), p("sixmwd"),
        p("6minutewalk"), p("6mwtdistance"), p("6mwdm")] },
    RoleSpec { role: Role::Item(0), name: "alsfrs_item", scope: Scope::Visit, column: None, synonyms: &[] },
    RoleSpec { role: Role::AlsfrsRTotal, name: "alsfrs_r_total", scope: Scope::Visit, column: Some(c::ALSFRS_R_TOTAL), synonyms: &[
        p("alsfrsrtotal"), p("alsfrsr"), p("alsfrsrscore"), p("alsfrsrtotalscore"), p("frs"), p("alsfrsrtot"),
        p("alsfrsr总分"), p("alsfrsr评分")] },
    RoleSpec { role: Role::AlsfrsTotal, name: "alsfrs_total", scope: Scope::Visit, column: Some(c::ALSFRS_ORIGINAL_TOTAL), synonyms: &[
        p("alsfrstotal"), p("alsfrs"), p("alsfrsscore")] },
    RoleSpec { role: Role::Taxon, name: "taxon", scope: Scope::Microbiome, column: None, synonyms: &[
        p("taxon"), p("taxonomy"), p("clade"), p("cladename"), p("feature"), p("featureid"), p("otu"), p("asv")] },
    RoleSpec { role: Role::Abundance, name: "abundance", scope: Scope::Microbiome, column: None, synonyms: &[
        p("abundance"), p("relativeabundance"), p("relabundance"), p("count"), p("counts"), p("reads"), p("value")] },
    RoleSpec { role: Role::RepeatInstrument, name: "repeat_instrument", scope: Scope::Redcap, column: None, synonyms: &[
        p("redcaprepeatinstrument")] },
    RoleSpec { role: Role::RepeatInstance, name: "repeat_instance", scope: Scope::Redcap, column: None, synonyms: &[
        p("redcaprepeatinstance")] },
];

impl Role {
    /// Every role, in the order reports list them (the items numbered 1–12, then 5b as 13).
    pub fn all() -> Vec<Role> {
        ROLES
            .iter()
            .flat_map(|spec| match spec.role {
                Role::Item(_) => (1..=ITEM_5B).map(Role::Item).collect(),
                role => vec![role],
            })
            .collect()
    }

    /// This role's entry in [`ROLES`].
    pub fn spec(self) -> &'static RoleSpec {
        let key = match self {
            Role::Item(_) => Role::Item(0),
            other => other,
        };
        // Every variant has one entry; a test checks it.
        ROLES.iter().find(|s| s.role == key).unwrap_or(&ROLES[0])
    }

    /// The `snake_case` name used on the command line and in reports.
    pub fn as_str(self) -> String {
        match self {
            Role::Item(5) => "alsfrs_q5a".to_owned(),
            Role::Item(ITEM_5B) => "alsfrs_q5b".to_owned(),
            Role::Item(n) => format!("alsfrs_q{n}"),
            other => other.spec().name.to_owned(),
        }
    }

    /// Whether the role's values are calendar dates (parsed per column, day/month order decided
    /// once for the column).
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Role::Date
                | Role::BirthDate
                | Role::OnsetDate
                | Role::DeathDate
                | Role::TracheostomyDate
                | Role::NivDate
                | Role::GastrostomyDate
                | Role::LastContactDate
        )
    }

    /// The cohort column this role fills: its visit measure or subject attribute.
    pub fn column(self) -> Option<&'static str> {
        match self {
            Role::Item(n @ 1..=4) => Some(c::ALSFRS_ITEMS[usize::from(n) - 1]),
            Role::Item(5) => Some(c::ALSFRS_ITEMS[4]),
            Role::Item(ITEM_5B) => Some(c::ALSFRS_ITEMS[5]),
            Role::Item(n @ 6..=12) => Some(c::ALSFRS_ITEMS[usize::from(n)]),
            Role::Item(_) => None,
            other => other.spec().column,
        }
    }

    /// The visit-measure column this role fills, in the app's standard unit.
    pub fn measure_column(self) -> Option<&'static str> {
        self.is_visit_measure().then(|| self.column()).flatten()
    }

    /// The subject-attribute column this role fills (height and weight may be given once per
    /// subject too).
    pub fn attribute_column(self) -> Option<&'static str> {
        matches!(self.spec().scope, Scope::Subject | Scope::VisitOrSubject)
            .then(|| self.column())
            .flatten()
    }

    /// True for roles measured at a visit (as opposed to once per subject).
    pub fn is_visit_measure(self) -> bool {
        matches!(self.spec().scope, Scope::Visit | Scope::VisitOrSubject)
    }

    /// True for roles that describe the subject once (sex, site, onset, …).
    pub fn is_subject_attribute(self) -> bool {
        self.spec().scope == Scope::Subject
    }

    /// True for roles that place a row in time.
    pub fn is_time(self) -> bool {
        self.spec().scope == Scope::Time
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
                crate::i18n::trf(
                    "unknown role `{s}`; roles are: {p1}",
                    &[
                        ("s", &s),
                        (
                            "p1",
                            &(Role::all().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")),
                        ),
                    ],
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
    match role {
        Role::Item(n) => item_synonyms(n),
        other => other
            .spec()
            .synonyms
            .iter()
            .map(|(name, unit)| ((*name).to_owned(), *unit))
            .collect(),
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

    #[test]
    fn every_role_is_written_once_in_the_table() {
        for (i, a) in ROLES.iter().enumerate() {
            assert!(
                ROLES[i + 1..].iter().all(|b| b.role != a.role && b.name != a.name),
                "{}",
                a.name
            );
            assert_eq!(a.role.spec().name, a.name);
        }
        assert_eq!(Role::all().len(), ROLES.len() - 1 + 13);
        for role in Role::all() {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert!(!synonyms(role).is_empty(), "{role} has no synonyms");
        }
        assert_eq!(Role::Item(5).measure_column(), Some("alsfrs_q5a"));
        assert_eq!(Role::Item(ITEM_5B).measure_column(), Some("alsfrs_q5b"));
        assert_eq!(Role::Item(12).measure_column(), Some("alsfrs_q12"));
        assert_eq!(Role::Weight.measure_column(), Some("weight_kg"));
        assert_eq!(Role::Weight.attribute_column(), Some("weight_kg"));
        assert_eq!(Role::Bmi.attribute_column(), None);
        assert_eq!(Role::OnsetDelta.attribute_column(), Some("onset_delta_days"));
        assert_eq!(Role::Site.measure_column(), None);
    }

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
