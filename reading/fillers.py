"""The words around order lines: delivery days, add markers, chit-chat."""

from __future__ import annotations

import re

# --- Fillers around order lines -----------------------------------------------------------

_DAYS = (r"(?:today|tomorrow|tmrw|tmr|tmw|2morrow|tonight|this week|next week|the week|monday"
         r"|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
         r"|the weekend|ma[nñ]ana|hoy|el (?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado"
         r"|domingo)|this morning|am|pm|amanh[aã]|hoje|domani|oggi|demain|aujourd'hui)(?:'s)?"
         r"(?: delivery| truck| drop)?")
_ADD_MARKER = (r"(?:add|also|plus|and also|and|i forgot|forgot|one more thing|another thing"
               r"|can you (?:also )?add|could you (?:also )?add|please add|pls add|agrega|agregar"
               r"|agr[eé]game|agregue|a[nñ]ade|a[nñ]adir|a[nñ][aá]deme|suma|tambi[eé]n"
               r"|adem[aá]s|se me olvid[oó]|me falt[oó]|otra cosa|y)")
_LEAD = re.compile(
    r"^(?:" + _ADD_MARKER + r"|oh|ok|okay|yes|yeah|yep|sure|great|perfect|cool|actually|sorry"
    r"|oops|wait|hey|hi|hello|please|pls|plz|kindly|so|then|ah|um|btw|and then|hola|s[ií]"
    r"|anyway|anyways|anyhow|fyi|lol|haha"
    r"|no problem|no worries|no prob|hmm+|ok so|no(?=\s*[,.!]|$)|throw in|if so|if you do|if yes"
    r"|if you have (?:it|them|some|any)|si (?:hay|tienen|s[ií])"
    r"|dale|porfa|por favor|oye|bueno|pues|entonces|pero|but|i also need|also need"
    # French, Italian, Portuguese: "pour demain svp :", "et 2 pompes", "e 3 casse"
    r"|svp|stp|s'il (?:vous|te) pla[iî]t|per favore|et|ed|e(?=\s+\d)|(?:pour|per) " + _DAYS +
    r"|agr[eé]gale|agr[eé]guele|a[nñ][aá]dele|s[uú]male|p[oó]nle|m[aá]ndale"
    r"|ap[uú]ntame|ap[uú]ntanos|an[oó]tame|an[oó]tanos"
    r"|(?:can|could|may|would) (?:i|we) (?:also |please |pls )?(?:get|have|order|grab|do)"
    r"|(?:i|we)(?:'d| would)? (?:also )?like(?: to order)?|(?:i|we)(?:'ll| will)? ?(?:also )?"
    r"need|need|(?:i|we) (?:want|wanna)(?: to order)?|(?:i|we)(?:'ll| will) (?:take|have)"
    r"|give me|gimme|get me|let me (?:get|have)|lemme get|put me down for|(?:send|bring) over"
    r"|(?:can|could|would|will) (?:you|u|ya) (?:please |pls |also |kindly )?(?:send|bring|get"
    r"|put in|throw in|include|add|put together|prepare|prep|pack|pull|ship|set aside"
    r"|have ready|book"
    r"|drop off)(?: over)?(?: me| us)?|(?:please |pls )?send(?: over)?(?: me| us)?"
    r"|(?:i |we )?need to order"
    r"|(?:my|our) order(?: is)?|order|the following(?: items)?|following"
    r"|for (?:next |this )?" + _DAYS + r"|me (?:puedes|pueden|podr[ií]as|podr[ií]an) "
    r"(?:mandar|enviar|traer|dar|poner|agregar|a[nñ]adir|sumar)"
    r"|(?:me|nos) (?:mandas|mandan|env[ií]as|env[ií]an"
    r"|traes|traen|das|dan|pones|agregas)|m[aá]ndame|m[aá]ndanos|env[ií]ame|env[ií]anos"
    r"|tr[aá]eme|dame|danos|p[oó]nme|quiero|queremos|necesito|necesitamos|quisiera"
    r"|quisi[eé]ramos|ocupo|ocupamos|pon|manda|mande|manden|env[ií]a|env[ií]en"
    r"|(?:el |mi )?pedido(?: es| ser[ií]a)?|lo siguiente|para " + _DAYS +
    # Portuguese, French, Italian: "queria", "je voudrais", "mi servono"
    r"|queria|quero|queremos|gostar[ií]a(?:mos)? de|precis(?:o|amos)(?: de)?"
    r"|(?:me |nos )?(?:mande|mandem|envie|enviem)|(?:pode|podem) (?:me |nos )?(?:mandar|enviar)"
    r"|je voudrais|nous voudrions|j'aimerais|il (?:me|nous) faut|j'ai besoin de"
    r"|nous avons besoin de|(?:pouvez|pourriez)[- ]vous (?:m'|nous )?(?:envoyer|livrer)"
    r"|envoyez(?:-moi|-nous)?|merci de (?:m'|nous )?envoyer"
    r"|vorrei|vorremmo|volevo|(?:mi|ci) serv(?:e|ono)|avrei bisogno di|abbiamo bisogno di"
    r"|(?:potete|puoi) (?:mandar|inviar)(?:e|mi|ci)|mandate(?:mi|ci)?|inviate(?:mi|ci)?"
    r")(?:[\s,:!.]+|$)",
    re.I,
)
_TRAIL = re.compile(
    r"(?:[\s,]+|^)(?:please|pls|plz|thanks|thank you|thx|ty|thanks so much|por favor|porfa"
    r"|gracias|muchas gracias|obrigad[oa]|muito obrigad[oa]|valeu|merci(?: beaucoup)?"
    r"|grazie(?: mille)?|that'?s all|that is all|that'?s it|that will be all"
    r"|that'?ll be all|eso es todo|es todo|eso ser[ií]a todo|nada m[aá]s|as well|too"
    r"|tambi[eé]n|asap|if possible|if you can|si se puede|(?:for|para|per|pour) (?:delivery )?"
    + _DAYS + r"|(?:to|on|for) (?:my|the|our) order|al pedido|a mi pedido|today|tomorrow"
    r"|ma[nñ]ana|hoy|amanh[aã]|hoje|domani|oggi|demain|aujourd'hui"
    r"|🙏|👍|ok|okay|:\)|as usual|like usual|como siempre|instead|ent[aã]o|alors|allora)"
    r"[\s.,!?:;)]*$",
    re.I,
)
_CHIT_CHAT = re.compile(r"^(?:(?:oh|ok|okay|yes|yeah|hey|hi|sorry|oops|wait|hmm+|actually"
                        r"|please|pls|ah|so|s[ií]|oye|perd[oó]n)[\s,!.]+)+", re.I)
_ADD_START = re.compile(rf"^(?:\+|{_ADD_MARKER}\b)", re.I)
_ADD_END = re.compile(r"\b(too|as well|tambi[eé]n)[\s.!]*$", re.I)


def _strip_leading(text: str) -> str:
    while (m := _LEAD.match(text)) and m.end() > 0:
        text = text[m.end() :]
    return text


def _strip_trailing(text: str) -> str:
    text = text.strip(" .,!:;-")
    while (m := _TRAIL.search(text)) and m.start() < len(text):
        text = text[: m.start()].strip(" .,!:;-")
    return text
