# Field errors and refusals of an application (crates/qorgau-domain/src/application.rs).

field-too-long = Too long: at most { $max } characters.
field-too-many = Too many: at most { $max }.
field-invalid-date = “{ $value }” is not a date: write it as YYYY-MM-DD (for example 2026-03-21).
field-date-in-future = This date has not come yet: it cannot be in the future.
field-birth-date-mismatch = The date of birth does not match the one in the IIN ({ $iin_date }).

refusal-resource-required = The application cannot be considered: it does not name the Internet resource (a link, a channel or an account) where the cyberbullying takes place. Rule: { $rule }.
refusal-not-a-child = The application cannot be considered: on the date of the incidents ({ $date }) the person harmed was { $age } years old, and this procedure protects children (persons under 18) only. Rule: { $rule }.
refusal-applicant-fields-missing = The application cannot be considered: required details are missing ({ $fields }). Rule: { $rule }.
