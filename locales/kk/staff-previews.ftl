# Іс бетінде әрекет алдында алдын ала қарау (расталған шешім шығаратын
# нұсқамалар, өтініш берушіге хат) және төрағаның мерзімді ұзарту нысаны.
staff-draft-orders-heading = Расталған шешім бірден шығаратын нұсқамалар (алдын ала қарау)
staff-draft-orders-intro = Шешім жазылғанға дейін ештеңе тіркелмейді. Жобалардың нөмірі мен тексеру коды жоқ: нұсқамалар оларды шешім шығарған кезде алады.
staff-draft-order-title = { $owner } иесіне нұсқама
staff-draft-order-owner = Интернет-ресурс иесі
staff-draft-order-urls = Жойылуға тиіс материалдар
staff-draft-order-basis = Құқықтық негіз
staff-draft-order-deadline = Нұсқама алынған сәттен бастап { $hours } сағат ішінде жою (мерзім нұсқама жеткізілген сәттен басталады).
staff-draft-order-pdf = Нұсқама жобасы (PDF, қазақ және орыс тілдерінде)
staff-draft-order-html = Нұсқама жобасы (HTML)
staff-response-preview-heading = Өтініш берушіге хат (алдын ала қарау, іс тілінде)
staff-response-preview-intro = Хаттың жіберілгенін белгілемес бұрын оны оқып шығыңыз.
staff-extension-heading = Қарау мерзімін ұзарту (төраға)
staff-extension-hint = Өтініш алынған күннен бастап ең көбі { $max_days } күнтізбелік күнге, дәлелді шешіммен; өтініш берушіге { $notice_days } жұмыс күні ішінде хабарланады.
staff-extension-until = Ұзартылатын күн (ЖЖЖЖ-АА-КК)
staff-extension-reason = Ұзарту негіздемесі
staff-extension-submit = Қарау мерзімін ұзарту
staff-extension-reason-required = Ұзарту негіздемесін жазыңыз.
staff-extension-errors = Ұзарту тіркелмеді
