-- wrk script for bench/intake/run.sh: POST /api/v1/applications with a few
-- realistic applications (Russian, Kazakh and English; one or two resources;
-- one or two incidents), rotating per request. Every one is admissible, so
-- each request records a case: anything but 201 shows up in wrk's
-- "Non-2xx or 3xx responses" line and in the summary printed at the end.

local bodies = {
  [[{"language":"ru","applicant":{"name":"Айгуль Сериковна Ахметова","relation":"parent","email":"aigul@example.kz","phone":"+7 701 234 56 78"},"child":{"name":"Данияр Ахметов","birth_date":"2012-04-15"},"resources":[{"url":"https://t.me/s/school_memes_kz?utm_source=share"},{"url":"https://www.instagram.com/fake_daniyar/"}],"incidents":[{"occurred_on":"2026-11-20","resource_url":"https://t.me/school_memes_kz","description":"Оскорбительный мем с фото ребёнка","actor":"@mocker2026"},{"occurred_on":"2026-11-24","resource_url":"https://instagram.com/fake_daniyar","description":"Фейковый аккаунт от имени ребёнка","actor":"@mocker2026"}],"description":"Одноклассники публикуют унизительные материалы о сыне."}]],
  [[{"language":"kk","applicant":{"name":"Әсел Нұрланқызы","relation":"child","email":"asel@example.kz"},"child":{"name":"Әсел Нұрланқызы","birth_date":"2010-09-02"},"resources":[{"url":"https://www.tiktok.com/@asel_fake_2010"}],"incidents":[{"occurred_on":"2026-11-18","resource_url":"https://www.tiktok.com/@asel_fake_2010","description":"Менің атымнан жалған парақша"},{"occurred_on":"2026-11-27","resource_url":"https://www.tiktok.com/@asel_fake_2010","description":"Қорлайтын видео"}],"description":"Жалған парақша мені мазақ етеді."}]],
  [[{"language":"en","applicant":{"name":"Erzhan Bolatuly","relation":"citizen","email":"erzhan@example.kz"},"child":{"name":"Timur","birth_date":"2013-01-30"},"resources":[{"url":"https://vk.com/club_school_17"}],"incidents":[{"occurred_on":"2026-11-10","resource_url":"https://vk.com/club_school_17","description":"Threats in the comments"}],"description":"A school group keeps threatening a pupil."}]],
  [[{"language":"ru","applicant":{"name":"Гульнара Касымова","relation":"legal_representative","phone":"+7 777 123 45 67"},"child":{"name":"Алия","birth_date":"2011-06-12"},"resources":[{"url":"https://t.me/aliya_leaks"},{"url":"https://youtube.com/@aliya_leaks"}],"incidents":[{"occurred_on":"2026-11-01","resource_url":"https://t.me/aliya_leaks","description":"Публикация личной переписки"},{"occurred_on":"2026-11-15","resource_url":"https://youtube.com/@aliya_leaks","description":"Видео с насмешками"}],"description":"Канал публикует личные данные девочки."}]],
}

-- Each request is about a different child and names a different account
-- and different resources (a tag appended to the child's name, the actor
-- and the resources' paths), as real intake is: the same child, account or
-- resource in every request would measure the automatic links between cases
-- (capped per application: docs/linking.md), not intake. (The resources
-- were the same four until 2026-12-08: since resources link cases too, each
-- application carried ten `cases_linked` events.) The
-- tag is unique across wrk's threads (each numbered by setup) and across
-- runs against the same store (each starts at another second): a counter
-- alone restarts in every thread and every run, and repeated the same
-- children and accounts.
-- The last part of every resource's path in the bodies above.
local resource_names = {"school_memes_kz", "fake_daniyar", "asel_fake_2010",
  "club_school_17", "aliya_leaks"}

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

-- QORGAU_BENCH_POPULAR=1: every request is the first application as it
-- stands — one child, one account, the same resources — as when one form is
-- posted again and again, or a public channel is reported by many families.
-- It measures what each new application's automatic links cost when earlier
-- cases pile up on its keys (bench/intake/run.sh, "popular keys").
local popular = os.getenv("QORGAU_BENCH_POPULAR") == "1"

local run
local counter = 0
request = function()
  if popular then
    return wrk.format("POST", "/api/v1/applications",
      {["Content-Type"] = "application/json"}, bodies[1])
  end
  if run == nil then
    run = os.time() .. "-" .. (thread_number or 0)
  end
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  local tag = run .. "-" .. counter
  body = body:gsub('("child":{"name":"[^"]*)"', '%1 ' .. tag .. '"', 1)
  local word = tag:gsub("-", "_")
  body = body:gsub('("actor":"@[%w_]+)"', '%1_' .. word .. '"')
  for _, name in ipairs(resource_names) do
    body = body:gsub(name, name .. "_" .. word)
  end
  return wrk.format("POST", "/api/v1/applications",
    {["Content-Type"] = "application/json"}, body)
end
