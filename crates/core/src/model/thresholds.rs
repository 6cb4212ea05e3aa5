//! Rating thresholds of the evaluation scorecard (`[evaluation]` in a
//! scenario), with their defaults.

/// Thresholds of the evaluation scorecard (`[evaluation]`). A value at or
/// past an `_amber` threshold rates amber, at or past `_red` red.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// The chance of a gap per running year (P(any gap) spread over the
    /// years the service runs) at or above which funding sustainability
    /// rates amber.
    pub gap_per_year_amber: f64,
    /// The yearly chance at or above which it rates red.
    pub gap_per_year_red: f64,
    /// Grant share at or above which grant dependency rates amber.
    pub grant_share_amber: f64,
    /// Grant share at or above which it rates red.
    pub grant_share_red: f64,
    /// Share of the cost coverage lost in the first year without grants,
    /// at or above which grant dependency rates amber.
    pub cliff_amber: f64,
    /// Cliff at or above which it rates red.
    pub cliff_red: f64,
    /// Concentration (HHI) of mean funding across kinds of stream.
    pub hhi_amber: f64,
    /// HHI at or above which it rates red.
    pub hhi_red: f64,
    /// Benefit-cost ratio below which a public service rates amber / red.
    pub bcr_amber: f64,
    /// Benefit-cost ratio below which it rates red.
    pub bcr_red: f64,
    /// Financial NPV as a share of life-cycle cost below which a private or
    /// mixed service rates amber / red.
    pub fnpv_amber: f64,
    /// Financial NPV share below which it rates red.
    pub fnpv_red: f64,
    /// The take-over decision's chance that the city does not keep the
    /// service on as it is (stop or shrink), at or above which grant
    /// dependency rates amber.
    pub takeover_amber: f64,
    /// The chance at or above which it rates red.
    pub takeover_red: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            gap_per_year_amber: 0.02,
            gap_per_year_red: 0.05,
            grant_share_amber: 0.25,
            grant_share_red: 0.5,
            cliff_amber: 0.15,
            cliff_red: 0.3,
            hhi_amber: 0.6,
            hhi_red: 0.85,
            bcr_amber: 1.0,
            bcr_red: 0.5,
            fnpv_amber: 0.0,
            fnpv_red: -0.5,
            takeover_amber: 0.2,
            takeover_red: 0.5,
        }
    }
}

/// Keys of `[evaluation]`, in the order of [`Thresholds`].
pub const THRESHOLD_KEYS: &[&str] = &[
    "gap_per_year_amber",
    "gap_per_year_red",
    "grant_share_amber",
    "grant_share_red",
    "cliff_amber",
    "cliff_red",
    "hhi_amber",
    "hhi_red",
    "bcr_amber",
    "bcr_red",
    "fnpv_amber",
    "fnpv_red",
    "takeover_amber",
    "takeover_red",
];

/// Keys of `[evaluation]` that were replaced, with what replaced them.
pub const RENAMED_THRESHOLDS: &[(&str, &str)] = &[
    ("p_any_gap_amber", "gap_per_year_amber"),
    ("p_any_gap_red", "gap_per_year_red"),
    ("canvas_amber", "(none: the canvas is no longer rated)"),
    ("canvas_red", "(none: the canvas is no longer rated)"),
];

impl Thresholds {
    fn slots(&mut self) -> [&mut f64; 14] {
        [
            &mut self.gap_per_year_amber,
            &mut self.gap_per_year_red,
            &mut self.grant_share_amber,
            &mut self.grant_share_red,
            &mut self.cliff_amber,
            &mut self.cliff_red,
            &mut self.hhi_amber,
            &mut self.hhi_red,
            &mut self.bcr_amber,
            &mut self.bcr_red,
            &mut self.fnpv_amber,
            &mut self.fnpv_red,
            &mut self.takeover_amber,
            &mut self.takeover_red,
        ]
    }

    /// Every threshold with its key, in [`THRESHOLD_KEYS`] order.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let mut copy = *self;
        THRESHOLD_KEYS
            .iter()
            .copied()
            .zip(copy.slots().map(|v| *v))
            .collect()
    }

    /// Sets the threshold named `key` (one of [`THRESHOLD_KEYS`]).
    pub(crate) fn set(&mut self, key: &str, value: f64) -> bool {
        match THRESHOLD_KEYS.iter().position(|k| *k == key) {
            Some(i) => {
                *self.slots()[i] = value;
                true
            }
            None => false,
        }
    }
}
