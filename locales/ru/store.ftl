# Обслуживание хранилища целиком: миграции, выгрузка и загрузка (crates/qorgau/src/commands/maintenance.rs).

store-migrated = К { $store } { $count ->
    [one] применена { $count } миграция
    [few] применены { $count } миграции
   *[other] применено { $count } миграций
}: { $migrations }.
store-migrations-current = Схема { $store } актуальна: применять нечего.
store-exported = В { $path } выгружено: событий — { $events } (дел — { $cases }), сотрудников — { $staff }, владельцев ресурсов — { $owners } (вершина цепочки { $head }).
store-imported = В { $store } загружено: событий — { $events } (дел — { $cases }), сотрудников — { $staff }, владельцев ресурсов — { $owners }; цепочка проверена (вершина { $head }).
store-export-exists = { $path } уже существует: выгрузка никогда не перезаписывает файл, выберите новое имя.
store-file-error = Не удалось использовать файл { $path }: { $detail }
store-archive-invalid = { $path } — не полный архив Qorgau (строка { $line }): { $detail }. Ничего не загружено.
store-archive-broken = Запись дел в архиве нарушена на порядковом номере { $seq } ({ $fault }). Ничего не загружено.
store-import-not-empty = В { $store } уже есть запись дел, сотрудники или владельцы ресурсов. Архив загружается только в пустое хранилище: выполните `qorgau init` для новой папки данных или базы данных, затем загрузите архив.
