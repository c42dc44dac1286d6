# Anonymous prevalence surveys: `qorgau survey analyze` (crates/qorgau-domain/src/survey.rs).

## Refusals of a survey file: each names the line (1 = the header) and the reason.

survey-error-empty = Line { $line }: the file is empty. The first line must be the header { $header }
survey-error-wrong-header = Line { $line }: the first line must be exactly the header { $header } — this file has “{ $found }”.
survey-error-wrong-column-count = Line { $line }: expected { $expected } values separated by commas, found { $found }. Values may not contain commas.
survey-error-bad-respondent-id = Line { $line }: the respondent_id “{ $value }” is not usable: give an anonymous code of 1 to { $max } characters without control characters.
survey-error-duplicate-respondent = Line { $line }: respondent { $id } already answered on line { $first }; each respondent appears once.
survey-error-bad-sex = Line { $line }: sex is f or m, not “{ $value }”.
survey-error-bad-age = Line { $line }: age is a whole number of years, not “{ $value }”.
survey-error-impossible-age = Line { $line }: age { $age } is impossible in a school or university survey; ages { $min } to { $max } are accepted.
survey-error-bad-answer = Line { $line }: { $column } is 1 (yes) or 0 (no), not “{ $value }”.
survey-error-no-responses = Line { $line }: the file has a header but no responses.
survey-error-not-utf8 = Line { $line }: this is not UTF-8 text. Save the file as “CSV UTF-8”.

## The table.

survey-title = Survey: { $respondents ->
    [one] { $respondents } respondent
   *[other] { $respondents } respondents
}
survey-col-group = Group
survey-col-respondents = Respondents
survey-measure-harassed-online = Harassed online
survey-measure-persecuted-offline = Persecuted offline
survey-all = All respondents
survey-sex-f = Female
survey-sex-m = Male
survey-age-group = Age { $from }–{ $to }
survey-prevalence = { $share }% ({ $low }–{ $high })
survey-no-respondents = —
survey-note = Shares of respondents with 95% Wilson score intervals. A small group has a wide interval: read it as “somewhere in this range”.
