//! Small-number suppression: no published figure may point to a child.
//!
//! The published statistics are a set of counts ("cells") tied together by
//! sums that are published too ("lines": the months add up to the
//! applications, the owners' rows to the column totals, …). A count below the
//! threshold (default 5) is never shown as a number ("primary suppression").
//! Hiding it is not enough when the line it belongs to has a published total:
//! with one hidden cell, the total minus the published cells *is* the hidden
//! cell. So more cells are hidden ("complementary suppression") until the
//! published figures no longer give any small count away:
//!
//! 1. **Primary.** Every count below the threshold is hidden and shown as `<5`
//!    (zero too: a shown zero next to a `<5` would tell which is which).
//! 2. **One hidden cell in a line with a published total** → hide the next
//!    smallest published cell of that line (its total, if nothing else is left).
//! 3. **Hidden cells of a line with a published total summing to 1..threshold−1**
//!    → hide the next smallest too: "these two together are 3 children" still
//!    singles out fewer than the threshold.
//! 4. **The audit.** An attacker who knows everything published — the numbers,
//!    the totals, that `<5` means 0..threshold−1 and that a cell hidden by rule 2
//!    or 3 is at least the threshold (only cells that could be published are
//!    chosen as complements) — narrows each hidden cell to an interval by
//!    propagating every line to a fixed point ([`attacker_bounds`]). A small
//!    hidden count (1..threshold−1) narrowed to a single value is recovered: hide
//!    the next smallest published cell of one of its lines and audit again.
//!
//! Every step hides one more cell, so the loop ends; hiding more never helps the
//! attacker. Complementary cells are shown as `suppressed`, not `<5`: they are
//! not below the threshold, and a published figure must not be false.
//! docs/statistics.md has the rule and the proof sketch.

use serde::Serialize;

/// A cell of a [`Grid`].
pub type CellId = usize;

/// A published sum: `total` = Σ `members`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub members: Vec<CellId>,
    pub total: CellId,
}

/// How a cell is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The number itself.
    Published,
    /// Hidden because it is below the threshold: shown as `<5`.
    BelowThreshold,
    /// Hidden so that a count below the threshold cannot be worked out from
    /// the totals: shown as `suppressed`.
    Complementary,
}

impl Visibility {
    pub fn is_hidden(self) -> bool {
        self != Visibility::Published
    }
}

/// Counts and the sums between them.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    values: Vec<u64>,
    lines: Vec<Line>,
}

impl Grid {
    pub fn new() -> Grid {
        Grid::default()
    }

    /// A new cell holding `value`.
    pub fn cell(&mut self, value: u64) -> CellId {
        self.values.push(value);
        self.values.len() - 1
    }

    /// A new cell holding Σ `members`, published as their total.
    pub fn total_of(&mut self, members: &[CellId]) -> CellId {
        let sum = members.iter().map(|member| self.value(*member)).sum();
        let total = self.cell(sum);
        self.lines.push(Line {
            members: members.to_vec(),
            total,
        });
        total
    }

    /// Declares that `total` (an existing cell) is Σ `members`: a second table
    /// with the same total, so the audit knows the two are linked.
    pub fn link(&mut self, members: &[CellId], total: CellId) {
        debug_assert_eq!(
            members
                .iter()
                .map(|member| self.value(*member))
                .sum::<u64>(),
            self.value(total),
            "a line's members add up to its total"
        );
        self.lines.push(Line {
            members: members.to_vec(),
            total,
        });
    }

    pub fn value(&self, cell: CellId) -> u64 {
        self.values.get(cell).copied().unwrap_or(0)
    }

    pub fn values(&self) -> &[u64] {
        &self.values
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Rule 1 alone: every count below `threshold` hidden, nothing else.
    pub fn primary(&self, threshold: u64) -> Vec<Visibility> {
        self.values
            .iter()
            .map(|value| {
                if *value < threshold {
                    Visibility::BelowThreshold
                } else {
                    Visibility::Published
                }
            })
            .collect()
    }

    /// Rules 1–4 (module documentation).
    pub fn suppress(&self, threshold: u64) -> Vec<Visibility> {
        let mut visibility = self.primary(threshold);
        if threshold == 0 {
            return visibility;
        }
        // Cells the audit can no longer protect: every line around them is
        // hidden already. Not reached by the tables Qorgau publishes (the
        // property tests look for it); kept so the loop always ends.
        let mut beyond_help = vec![false; self.values.len()];
        loop {
            if let Some(line) = self.exposed_line(&visibility, threshold)
                && let Some(cell) = self.next_smallest(&[line], &visibility)
            {
                visibility[cell] = Visibility::Complementary;
                continue;
            }
            let bounds = attacker_bounds(&self.values, &self.lines, &visibility, threshold);
            let recovered = (0..self.values.len()).find(|cell| {
                visibility[*cell] == Visibility::BelowThreshold
                    && self.values[*cell] > 0
                    && bounds[*cell].0 == bounds[*cell].1
                    && !beyond_help[*cell]
            });
            let Some(cell) = recovered else {
                return visibility;
            };
            let around: Vec<&Line> = self
                .lines
                .iter()
                .filter(|line| line.total == cell || line.members.contains(&cell))
                .collect();
            let hidden_lines: Vec<&Line> = self
                .lines
                .iter()
                .filter(|line| {
                    visibility[line.total].is_hidden()
                        || line
                            .members
                            .iter()
                            .any(|member| visibility[*member].is_hidden())
                })
                .collect();
            match self
                .next_smallest(&around, &visibility)
                .or_else(|| self.next_smallest(&hidden_lines, &visibility))
            {
                Some(complement) => visibility[complement] = Visibility::Complementary,
                None => beyond_help[cell] = true,
            }
        }
    }

    /// A line whose total is published and that breaks rule 2 or 3.
    fn exposed_line(&self, visibility: &[Visibility], threshold: u64) -> Option<&Line> {
        self.lines.iter().find(|line| {
            if visibility[line.total].is_hidden() {
                return false;
            }
            let hidden: Vec<CellId> = line
                .members
                .iter()
                .copied()
                .filter(|member| visibility[*member].is_hidden())
                .collect();
            let hidden_sum: u64 = hidden.iter().map(|member| self.values[*member]).sum();
            hidden.len() == 1 || (hidden_sum > 0 && hidden_sum < threshold)
        })
    }

    /// The smallest published cell of `lines`: a member if there is one (a
    /// total carries more information), else a total.
    fn next_smallest(&self, lines: &[&Line], visibility: &[Visibility]) -> Option<CellId> {
        let published = |cell: &CellId| visibility[*cell] == Visibility::Published;
        let smallest = |cells: &mut dyn Iterator<Item = CellId>| {
            cells
                .filter(published)
                .min_by_key(|cell| (self.values[*cell], *cell))
        };
        smallest(&mut lines.iter().flat_map(|line| line.members.iter().copied()))
            .or_else(|| smallest(&mut lines.iter().map(|line| line.total)))
    }
}

/// Passes of the propagation before it stops; tables converge in a handful.
const MAX_PASSES: usize = 500;

/// What an attacker can conclude about every cell: the narrowest interval
/// interval propagation over the published lines reaches.
///
/// The attacker knows each published value; that a `<5` cell lies in
/// 0..=threshold−1; and that a complementary cell lies in threshold.. with no
/// upper bound but what the published lines give. (An earlier version also
/// let the attacker know the largest value in the grid; when that value was
/// itself hidden, the model pinned counts no real reader could recover — the
/// property test found `[[1, 4], [0, 1]]` — and asked for suppression that
/// could never be enough.)
/// Each line `total = Σ members` then bounds every cell by the others' bounds,
/// repeated until nothing changes. (For the two-way tables with margins that
/// Qorgau publishes the property tests compare this with an exhaustive search.)
pub fn attacker_bounds(
    values: &[u64],
    lines: &[Line],
    visibility: &[Visibility],
    threshold: u64,
) -> Vec<(u64, u64)> {
    // "No upper bound", kept finite for the arithmetic: far above any count
    // (a billion applications) and far below i128's range when summed.
    let ceiling: i128 = 1 << 40;
    let threshold = i128::from(threshold);
    let mut bounds: Vec<(i128, i128)> = values
        .iter()
        .zip(visibility)
        .map(|(value, visibility)| match visibility {
            Visibility::Published => (i128::from(*value), i128::from(*value)),
            Visibility::BelowThreshold => (0, (threshold - 1).max(0)),
            Visibility::Complementary => (threshold, ceiling),
        })
        .collect();
    let tighten = |bounds: &mut Vec<(i128, i128)>, cell: CellId, low: i128, high: i128| {
        let (old_low, old_high) = bounds[cell];
        let new = (old_low.max(low), old_high.min(high));
        if new != (old_low, old_high) {
            bounds[cell] = new;
            true
        } else {
            false
        }
    };
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for line in lines {
            let low_sum: i128 = line.members.iter().map(|member| bounds[*member].0).sum();
            let high_sum: i128 = line.members.iter().map(|member| bounds[*member].1).sum();
            changed |= tighten(&mut bounds, line.total, low_sum, high_sum);
            let (total_low, total_high) = bounds[line.total];
            for member in &line.members {
                let (low, high) = bounds[*member];
                let others_low = low_sum - low;
                let others_high = high_sum - high;
                changed |= tighten(
                    &mut bounds,
                    *member,
                    total_low - others_high,
                    total_high - others_low,
                );
            }
        }
        if !changed {
            break;
        }
    }
    bounds
        .into_iter()
        .map(|(low, high)| {
            let clamp = |value: i128| u64::try_from(value.max(0)).unwrap_or(u64::MAX);
            (clamp(low), clamp(high))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const THRESHOLD: u64 = 5;

    /// Found by the property test below: with every cell hidden, no reader can
    /// pin the small counts (the attacker model must not know the hidden maximum).
    #[test]
    fn a_fully_hidden_table_pins_nothing() {
        let table = two_way(&[vec![1, 4], vec![0, 1]]);
        let grid = &table.grid;
        let visibility = grid.suppress(THRESHOLD);
        let bounds = attacker_bounds(grid.values(), grid.lines(), &visibility, THRESHOLD);
        for (cell, value) in grid.values().iter().enumerate() {
            if visibility[cell] == Visibility::BelowThreshold && *value > 0 {
                assert!(
                    bounds[cell].0 < bounds[cell].1,
                    "cell {cell} pinned: {bounds:?}"
                );
            }
        }
    }

    /// A one-way table: its cells and their published total.
    fn one_way(values: &[u64]) -> (Grid, Vec<CellId>, CellId) {
        let mut grid = Grid::new();
        let cells: Vec<CellId> = values.iter().map(|value| grid.cell(*value)).collect();
        let total = grid.total_of(&cells);
        (grid, cells, total)
    }

    /// A two-way table with row totals, column totals and the grand total.
    struct TwoWay {
        grid: Grid,
        inner: Vec<Vec<CellId>>,
        row_totals: Vec<CellId>,
        column_totals: Vec<CellId>,
        grand_total: CellId,
    }

    fn two_way(rows: &[Vec<u64>]) -> TwoWay {
        let mut grid = Grid::new();
        let inner: Vec<Vec<CellId>> = rows
            .iter()
            .map(|row| row.iter().map(|value| grid.cell(*value)).collect())
            .collect();
        let row_totals: Vec<CellId> = inner.iter().map(|row| grid.total_of(row)).collect();
        let columns = rows.first().map_or(0, Vec::len);
        let column_totals: Vec<CellId> = (0..columns)
            .map(|column| {
                let cells: Vec<CellId> = inner.iter().map(|row| row[column]).collect();
                grid.total_of(&cells)
            })
            .collect();
        let grand_total = grid.total_of(&row_totals);
        grid.link(&column_totals, grand_total);
        TwoWay {
            grid,
            inner,
            row_totals,
            column_totals,
            grand_total,
        }
    }

    /// The attack the rule is named after: repeatedly take a line with a known
    /// total and exactly one unknown cell, and subtract.
    fn recover_by_subtraction(grid: &Grid, visibility: &[Visibility]) -> Vec<Option<u64>> {
        let mut known: Vec<Option<u64>> = grid
            .values()
            .iter()
            .zip(visibility)
            .map(|(value, visibility)| (!visibility.is_hidden()).then_some(*value))
            .collect();
        loop {
            let mut progress = false;
            for line in grid.lines() {
                let unknown: Vec<CellId> = line
                    .members
                    .iter()
                    .copied()
                    .chain([line.total])
                    .filter(|cell| known[*cell].is_none())
                    .collect();
                if let [cell] = unknown[..] {
                    let members: u64 = line
                        .members
                        .iter()
                        .filter(|member| **member != cell)
                        .map(|member| known[*member].unwrap())
                        .sum();
                    known[cell] = Some(if cell == line.total {
                        members
                    } else {
                        known[line.total].unwrap() - members
                    });
                    progress = true;
                }
            }
            if !progress {
                return known;
            }
        }
    }

    /// Small counts the attack recovers.
    /// Small counts the attack recovers: 1..threshold−1, the counts that
    /// point to a child (rule 4). A zero may be worked out by a chain of
    /// subtractions — an empty row's total from the grand total — and points
    /// to no one; the audit leaves it, as the rule says
    /// (`an_empty_rows_zero_total_may_be_worked_out_but_no_child_count`).
    fn recovered_small_counts(grid: &Grid, visibility: &[Visibility]) -> Vec<(CellId, u64)> {
        recover_by_subtraction(grid, visibility)
            .into_iter()
            .enumerate()
            .filter(|(cell, _)| visibility[*cell] == Visibility::BelowThreshold)
            .filter_map(|(cell, known)| known.filter(|value| *value > 0).map(|value| (cell, value)))
            .collect()
    }

    #[test]
    fn an_empty_rows_zero_total_may_be_worked_out_but_no_child_count() {
        // Found by the property test below: the empty row's total is the
        // grand total minus the other rows', whatever else is hidden.
        let table = two_way(&[vec![5, 16], vec![5, 5], vec![0, 0]]);
        let visibility = table.grid.suppress(THRESHOLD);
        let known = recover_by_subtraction(&table.grid, &visibility);
        assert_eq!(known[table.row_totals[2]], Some(0));
        assert_eq!(recovered_small_counts(&table.grid, &visibility), []);
        let bounds = attacker_bounds(
            table.grid.values(),
            table.grid.lines(),
            &visibility,
            THRESHOLD,
        );
        for row in &table.inner {
            for cell in row {
                let value = table.grid.value(*cell);
                if visibility[*cell] == Visibility::BelowThreshold && value > 0 {
                    assert!(bounds[*cell].0 < bounds[*cell].1, "cell {cell} = {value}");
                }
            }
        }
    }

    #[test]
    fn primary_hides_every_count_below_the_threshold_and_nothing_else() {
        let (grid, cells, total) = one_way(&[0, 4, 5, 12]);
        let visibility = grid.primary(THRESHOLD);
        let hidden: Vec<bool> = cells
            .iter()
            .map(|cell| visibility[*cell].is_hidden())
            .collect();
        assert_eq!(hidden, [true, true, false, false]);
        assert_eq!(visibility[total], Visibility::Published);
    }

    #[test]
    fn the_subtraction_attack_recovers_a_child_without_complementary_suppression() {
        // Applications by month: 3 in one month, total published.
        let (grid, cells, _) = one_way(&[3, 10, 12]);
        let primary_only = grid.primary(THRESHOLD);
        assert_eq!(
            recovered_small_counts(&grid, &primary_only),
            [(cells[0], 3)],
            "25 − 10 − 12 = 3: primary suppression alone gives the small month away"
        );
        let suppressed = grid.suppress(THRESHOLD);
        assert_eq!(recovered_small_counts(&grid, &suppressed), []);
        assert_eq!(
            suppressed[cells[1]],
            Visibility::Complementary,
            "the next smallest"
        );
        assert_eq!(suppressed[cells[2]], Visibility::Published);
    }

    #[test]
    fn the_subtraction_attack_fails_on_a_two_way_table() {
        // Orders by owner (rows) and outcome (columns).
        let table = two_way(&[vec![2, 10, 7], vec![20, 30, 9], vec![15, 6, 11]]);
        let primary_only = table.grid.primary(THRESHOLD);
        assert_eq!(
            recovered_small_counts(&table.grid, &primary_only),
            [(table.inner[0][0], 2)]
        );
        let suppressed = table.grid.suppress(THRESHOLD);
        assert_eq!(recovered_small_counts(&table.grid, &suppressed), []);
        // Rows and columns each hide two cells or none; totals stay published.
        for line in table.grid.lines() {
            let hidden = line
                .members
                .iter()
                .filter(|cell| suppressed[**cell].is_hidden())
                .count();
            assert_ne!(hidden, 1, "{line:?}: {suppressed:?}");
        }
        assert_eq!(suppressed[table.grand_total], Visibility::Published);
        for total in table.row_totals.iter().chain(&table.column_totals) {
            assert_eq!(suppressed[*total], Visibility::Published);
        }
        let bounds = attacker_bounds(
            table.grid.values(),
            table.grid.lines(),
            &suppressed,
            THRESHOLD,
        );
        let (low, high) = bounds[table.inner[0][0]];
        assert!(low < high, "{low}..{high}");
    }

    #[test]
    fn two_small_cells_that_add_up_to_fewer_than_the_threshold_get_a_complement() {
        // 1 + 1: hiding both still says "two children are in these two months".
        let (grid, cells, _) = one_way(&[1, 1, 20, 30]);
        let suppressed = grid.suppress(THRESHOLD);
        assert_eq!(suppressed[cells[2]], Visibility::Complementary);
        assert_eq!(suppressed[cells[3]], Visibility::Published);
    }

    #[test]
    fn a_total_below_the_threshold_is_hidden_too() {
        let (grid, cells, total) = one_way(&[1, 2]);
        let suppressed = grid.suppress(THRESHOLD);
        assert_eq!(suppressed[total], Visibility::BelowThreshold);
        assert!(cells.iter().all(|cell| suppressed[*cell].is_hidden()));
    }

    #[test]
    fn a_complement_that_would_pin_the_small_cell_is_not_enough() {
        // 1 + 5 = 6 with the total published: the attacker knows the hidden
        // 5 is a complement (≥ 5) and the hidden 1 is below 5, so 6 − 5 = 1
        // exactly. The audit hides more until that no longer works.
        let (grid, cells, _) = one_way(&[1, 5, 40]);
        let suppressed = grid.suppress(THRESHOLD);
        let bounds = attacker_bounds(grid.values(), grid.lines(), &suppressed, THRESHOLD);
        let (low, high) = bounds[cells[0]];
        assert!(low < high, "{suppressed:?} {bounds:?}");
    }

    #[test]
    fn two_hidden_cells_at_their_maximum_are_protected_by_the_audit() {
        // 4 + 4 = 8 published: both "<5" cells must be 4 — rules 2 and 3 are
        // satisfied (two hidden cells, 8 ≥ 5), only the audit sees the pin.
        let table = two_way(&[vec![4, 4]]);
        let suppressed = table.grid.suppress(THRESHOLD);
        let bounds = attacker_bounds(
            table.grid.values(),
            table.grid.lines(),
            &suppressed,
            THRESHOLD,
        );
        let (low, high) = bounds[table.inner[0][0]];
        assert!(low < high, "{suppressed:?} {bounds:?}");
    }

    #[test]
    fn threshold_zero_publishes_everything() {
        let (grid, ..) = one_way(&[0, 1, 2]);
        assert!(
            grid.suppress(0)
                .iter()
                .all(|visibility| !visibility.is_hidden())
        );
    }

    /// Every value each hidden inner cell can take, found by trying every
    /// assignment within the propagated bounds (which never exclude a feasible
    /// value). `None` when the search would be too large.
    fn exhaustive_values(
        table: &TwoWay,
        visibility: &[Visibility],
        bounds: &[(u64, u64)],
    ) -> Option<Vec<(CellId, Vec<u64>)>> {
        let grid = &table.grid;
        let hidden: Vec<CellId> = table
            .inner
            .iter()
            .flatten()
            .copied()
            .filter(|cell| visibility[*cell].is_hidden())
            .collect();
        let size: u64 = hidden
            .iter()
            .map(|cell| bounds[*cell].1 - bounds[*cell].0 + 1)
            .product();
        if size > 20_000 {
            return None;
        }
        let allowed = |cell: CellId, value: u64| match visibility[cell] {
            Visibility::Published => value == grid.value(cell),
            Visibility::BelowThreshold => value < THRESHOLD,
            // Hidden to protect another cell: at least the threshold, with no
            // upper bound the attacker could know (the search bounds only the
            // inner cells it enumerates; totals follow from them).
            Visibility::Complementary => value >= THRESHOLD,
        };
        let mut seen: Vec<Vec<u64>> = vec![Vec::new(); hidden.len()];
        let mut assignment: Vec<u64> = hidden.iter().map(|cell| bounds[*cell].0).collect();
        loop {
            let mut values = grid.values().to_vec();
            for (cell, value) in hidden.iter().zip(&assignment) {
                values[*cell] = *value;
            }
            for line in grid.lines() {
                values[line.total] = line.members.iter().map(|member| values[*member]).sum();
            }
            // The grand total again, now that the row totals are known.
            for line in grid.lines() {
                values[line.total] = line.members.iter().map(|member| values[*member]).sum();
            }
            let consistent = grid.lines().iter().all(|line| {
                line.members.iter().map(|m| values[*m]).sum::<u64>() == values[line.total]
            }) && (0..values.len()).all(|cell| allowed(cell, values[cell]));
            if consistent {
                for (index, cell) in hidden.iter().enumerate() {
                    if !seen[index].contains(&values[*cell]) {
                        seen[index].push(values[*cell]);
                    }
                }
            }
            // Next assignment (odometer).
            let mut position = 0;
            loop {
                if position == hidden.len() {
                    return Some(hidden.into_iter().zip(seen).collect());
                }
                if assignment[position] < bounds[hidden[position]].1 {
                    assignment[position] += 1;
                    break;
                }
                assignment[position] = bounds[hidden[position]].0;
                position += 1;
            }
        }
    }

    fn small_count() -> impl Strategy<Value = u64> {
        prop_oneof![0..5_u64, 0..5_u64, 5..25_u64]
    }

    fn table() -> impl Strategy<Value = Vec<Vec<u64>>> {
        (1..=3_usize, 1..=3_usize).prop_flat_map(|(rows, columns)| {
            proptest::collection::vec(proptest::collection::vec(small_count(), columns), rows)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// On any small two-way table: every count below the threshold is
        /// hidden; no line with a published total has exactly one hidden cell
        /// or hidden cells adding up to 1..threshold−1; and neither subtraction
        /// nor an exhaustive search of every table consistent with what is
        /// published pins a hidden small count to one value.
        #[test]
        fn no_small_count_can_be_recovered(rows in table()) {
            let table = two_way(&rows);
            let grid = &table.grid;
            let visibility = grid.suppress(THRESHOLD);
            for (cell, value) in grid.values().iter().enumerate() {
                if *value < THRESHOLD {
                    prop_assert_eq!(visibility[cell], Visibility::BelowThreshold);
                }
            }
            for line in grid.lines() {
                if visibility[line.total].is_hidden() {
                    continue;
                }
                let hidden: Vec<u64> = line
                    .members
                    .iter()
                    .filter(|cell| visibility[**cell].is_hidden())
                    .map(|cell| grid.value(*cell))
                    .collect();
                prop_assert_ne!(hidden.len(), 1, "{:?} {:?}", line, visibility);
                let sum: u64 = hidden.iter().sum();
                prop_assert!(sum == 0 || sum >= THRESHOLD, "{:?} {:?}", line, visibility);
            }
            prop_assert_eq!(recovered_small_counts(grid, &visibility), []);
            let bounds = attacker_bounds(grid.values(), grid.lines(), &visibility, THRESHOLD);
            if let Some(found) = exhaustive_values(&table, &visibility, &bounds) {
                for (cell, values) in found {
                    // The search agrees with the propagation's verdict…
                    let (low, high) = bounds[cell];
                    prop_assert!(values.iter().all(|value| (low..=high).contains(value)));
                    // …and no small count is pinned.
                    let value = grid.value(cell);
                    if visibility[cell] == Visibility::BelowThreshold && value > 0 {
                        prop_assert!(values.len() >= 2, "cell {} = {} pinned: {:?} {:?}", cell, value, rows, visibility);
                    }
                }
            }
        }
    }
}
