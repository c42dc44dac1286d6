# Қудалаудың таралуы туралы анонимді сауалнамалар: `qorgau survey analyze` (crates/qorgau-domain/src/survey.rs).

## Сауалнама файлынан бас тарту: жол нөмірі (1 — тақырып жолы) және себебі.

survey-error-empty = { $line }-жол: файл бос. Бірінші жол мына тақырып болуы керек: { $header }
survey-error-wrong-header = { $line }-жол: бірінші жол дәл мына тақырып болуы керек: { $header }, ал файлда «{ $found }» тұр.
survey-error-wrong-column-count = { $line }-жол: үтір арқылы { $expected } мән күтілген, { $found } мән табылды. Мәндердің ішінде үтір болмауы керек.
survey-error-bad-respondent-id = { $line }-жол: «{ $value }» respondent_id ретінде жарамсыз: басқару таңбаларынсыз 1–{ $max } таңбадан тұратын анонимді код беріңіз.
survey-error-duplicate-respondent = { $line }-жол: { $id } респонденті { $first }-жолда жауап берген; әр респондент бір рет қана көрсетіледі.
survey-error-bad-sex = { $line }-жол: жынысы f немесе m болып көрсетіледі, «{ $value }» емес.
survey-error-bad-age = { $line }-жол: жасы — жылдардың бүтін саны, «{ $value }» емес.
survey-error-impossible-age = { $line }-жол: мектеп немесе жоғары оқу орны сауалнамасында { $age } жас болуы мүмкін емес; { $min } жастан { $max } жасқа дейін қабылданады.
survey-error-bad-answer = { $line }-жол: { $column } мәні 1 (иә) немесе 0 (жоқ) болады, «{ $value }» емес.
survey-error-no-responses = { $line }-жол: файлда тақырып бар, бірақ бірде-бір жауап жоқ.
survey-error-not-utf8 = { $line }-жол: бұл UTF-8 кодтауындағы мәтін емес. Файлды «CSV UTF-8» ретінде сақтаңыз.

## Кесте.

survey-title = Сауалнама: { $respondents } респондент
survey-col-group = Топ
survey-col-respondents = Респонденттер
survey-measure-harassed-online = Желіде қудалауға ұшырағандар
survey-measure-persecuted-offline = Шынайы өмірде қудалауға ұшырағандар
survey-all = Барлық респонденттер
survey-sex-f = Жынысы: әйел
survey-sex-m = Жынысы: ер
survey-age-group = Жасы { $from }–{ $to }
survey-prevalence = { $share }% ({ $low }–{ $high })
survey-no-respondents = —
survey-note = Респонденттердің үлестері 95 пайыздық Уилсон сенімділік аралықтарымен берілген. Шағын топтың аралығы кең болады: оны «осы шектердің бір жерінде» деп оқыңыз.
