"""Portuguese, French and Italian customers: the language is recognised, a yes is a yes,
greetings and sign-offs order nothing, request verbs are no part of a line."""

from __future__ import annotations

import pytest

from reading import ChangeKind, Intent, extract


@pytest.mark.parametrize(("text", "lang"), [
    ("Olá, bom dia! Preciso de 3 caixas de queijo para amanhã, obrigado", "pt"),
    ("Bonjour, je voudrais deux caisses de fromage pour demain, merci", "fr"),
    ("Buongiorno, vorrei tre casse di formaggio per domani, grazie", "it"),
    ("Hola, me mandas 3 cajas de queso para mañana? gracias", "es"),
    ("Hi, can I get 3 cases of cheese for tomorrow? thanks", "en"),
])
def test_the_language_of_a_message_is_recognised(text: str, lang: str) -> None:
    assert str(extract(text).language) == lang


def test_a_message_with_no_sign_of_a_language_keeps_the_conversations() -> None:
    """"ok" or "2 cs" says nothing about the language: the conversation's stays."""
    assert str(extract("ok", default_lang="it").language) == "it"
    assert str(extract("2 cs", default_lang="fr").language) == "fr"
    assert str(extract("ok").language) == "en"


@pytest.mark.parametrize("text", [
    "send", "go ahead", "dale", "vai", "ok vai", "va bene", "d'accord", "ça marche",
    "procedi pure", "manda ver", "pode ser", "sim", "oui", "sì, confermo", "allez-y",
    "bueno, mándame lo demás",
])
def test_a_bare_go_ahead_after_a_summary_confirms(text: str) -> None:
    ext = extract(text)
    assert ext.confirm, text
    assert not ext.items


@pytest.mark.parametrize("text", ["não", "non", "no grazie", "non merci", "não, obrigado"])
def test_a_no_does_not_confirm(text: str) -> None:
    ext = extract(text)
    assert not ext.confirm and not ext.items


@pytest.mark.parametrize("text", [
    "obrigado!", "tchau", "ciao, grazie", "arrivederci", "merci, au revoir", "bom dia",
    "bonjour", "buongiorno",
])
def test_greetings_and_sign_offs_order_nothing(text: str) -> None:
    ext = extract(text)
    assert not ext.items and not ext.changes and not ext.confirm
    assert ext.intent in (Intent.GREETING, Intent.OTHER)


@pytest.mark.parametrize(("text", "line"), [
    ("Bom dia, queria 2 caixas de salmão", "2 caixas de salmão"),
    ("Bonjour, je voudrais 2 caisses de saumon", "2 caisses de saumon"),
    ("Buongiorno, vorrei 2 casse di salmone", "2 casse di salmone"),
    ("mi servono 4 sacchi di farina", "4 sacchi di farina"),
    ("j'ai besoin de 5 kg de beurre", "5 kg de beurre"),
])
def test_a_request_verb_is_no_part_of_the_line(text: str, line: str) -> None:
    assert extract(text).items == [line]


@pytest.mark.parametrize(("text", "target"), [
    ("ah you don't have quince? fine, ship the others", "quince"),
    ("leave out the figs if you don't have any", "figs"),
    ("sin el queso si no hay", "queso"),
    ("if you don't have the dates, skip them", "dates"),
    ("no tienen membrillo?", "membrillo"),
])
def test_if_you_lack_it_drop_it_names_the_line(text: str, target: str) -> None:
    """The agent drops the line only if it was not read surely; reading names it."""
    changes = extract(text).changes
    assert [(c.kind, c.target) for c in changes] == [(ChangeKind.REMOVE_IF_MISSING, target)]


def test_just_the_one_line_then_yes_keeps_it_and_confirms() -> None:
    ext = extract("fine, only the rye bread then. yes")
    assert [(c.kind, c.target) for c in ext.changes] == [(ChangeKind.KEEP_ONLY, "rye bread")]
    assert ext.confirm


def test_a_removal_then_ok_is_not_yet_a_confirmation() -> None:
    """Only the word yes, alone after a change, answers the summary; "ok" may just agree."""
    assert not extract("remove the figs. ok").confirm
    assert extract("remove the figs. yes").confirm


def test_a_billing_dispute_orders_nothing() -> None:
    """Numbers in a complaint about charges are no order lines."""
    ext = extract("We were overcharged on the last two invoices, can someone call me?")
    assert ext.handoff and not ext.items


def test_a_hope_for_better_produce_is_no_line() -> None:
    """ "a ver si ..." starts with an article-like "a", not a count."""
    ext = extract("la semana pasada las papas llegaron feas, a ver si ahora me mandan "
                  "mejores. 2 cajas de tomate")
    assert ext.items == ["2 cajas de tomate"]


@pytest.mark.parametrize(("text", "target"), [
    ("tira a burrata", "burrata"), ("togli la burrata", "burrata"),
    ("enlevez la burrata", "burrata"), ("sem o queijo", "queijo"), ("senza il latte", "latte"),
])
def test_a_removal_in_portuguese_italian_french(text: str, target: str) -> None:
    changes = extract(text).changes
    assert len(changes) == 1 and changes[0].kind is ChangeKind.REMOVE
    assert changes[0].target.split()[-1] == target


@pytest.mark.parametrize("text", ["no wait, 3", "no, 3", "sorry, 3", "nope, 3 cases"])
def test_a_bare_corrected_count_sets_the_last_lines_count(text: str) -> None:
    changes = extract(text).changes
    assert [(c.kind, c.target, int(c.quantity)) for c in changes] == [
        (ChangeKind.SET_QUANTITY, None, 3)]


@pytest.mark.parametrize(("text", "kind"), [
    ("vocês têm burrata?", "STOCK"), ("Avez-vous de la burrata ?", "STOCK"),
    ("avete la burrata?", "STOCK"), ("quanto custa a burrata?", "PRICE"),
    ("combien coûte la burrata ?", "PRICE"), ("quanto costa la burrata?", "PRICE"),
])
def test_stock_and_price_questions_in_portuguese_french_italian(text: str, kind: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.QUESTION and str(ext.question_kind) == kind
    assert ext.question_mention == "burrata" and not ext.items


@pytest.mark.parametrize("text", [
    "Pourriez-vous nous livrer 2 caisses de lait ?", "podem entregar 2 caixas de leite amanhã?",
    "potete mandarci 2 casse di latte?", "can you deliver 2 cases of milk tomorrow?",
])
def test_a_request_to_deliver_lines_is_an_order_not_a_delivery_question(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.ORDER and len(ext.items) == 1


@pytest.mark.parametrize("text", ["muda a burrata para 3", "metti la burrata a 3",
                                  "mettez la burrata à 3"])
def test_a_new_count_in_portuguese_italian_french(text: str) -> None:
    changes = extract(text).changes
    assert [(c.kind, c.target, int(c.quantity)) for c in changes] == [
        (ChangeKind.SET_QUANTITY, "burrata", 3)]


@pytest.mark.parametrize("text", ["troca a burrata pela ricotta",
                                  "cambia la burrata con la ricotta",
                                  "remplacez la burrata par la ricotta"])
def test_a_swap_in_portuguese_italian_french(text: str) -> None:
    changes = extract(text).changes
    assert [(c.kind, c.target, c.replacement) for c in changes] == [
        (ChangeKind.REPLACE, "burrata", "ricotta")]


@pytest.mark.parametrize(("text", "kind", "target"), [
    ("can you remove the figs?", ChangeKind.REMOVE, "figs"),
    ("could you change the rye to 3?", ChangeKind.SET_QUANTITY, "rye"),
    ("figs - remove", ChangeKind.REMOVE, "figs"),
    ("figs: 0", ChangeKind.REMOVE, "figs"),
    ("figs 3 instead of 2", ChangeKind.SET_QUANTITY, "figs"),
])
def test_a_change_asked_politely_or_in_list_shape_is_a_change(text: str, kind: ChangeKind,
                                                            target: str) -> None:
    changes = extract(text).changes
    assert [(c.kind, c.target) for c in changes] == [(kind, target)]


def test_asking_to_cancel_the_order_cancels() -> None:
    assert extract("can you cancel my order?").intent is Intent.CANCEL
