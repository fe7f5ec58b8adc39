"""Reading customer messages: intents, order lines, changes, questions and handoff."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from reading.changes import complete_replacement
from reading.extract import extract
from reading.text import Language
from reading.types import Change, ChangeKind, HandoffReason, Intent, QuestionKind

ADD, SET, REMOVE, REPLACE = (ChangeKind.ADD_MORE, ChangeKind.SET_QUANTITY, ChangeKind.REMOVE,
                             ChangeKind.REPLACE)

ORDERS = [
    ("hi can i get 2 cs whole milk and 3 bags shredded mozz",
     ["2 cs whole milk", "3 bags shredded mozz"]),
    ("2 cs whole milk, 3 bags mozz, and 16oz lids",
     ["2 cs whole milk", "3 bags mozz", "16oz lids"]),
    ("2 cs whole milk 3 mozz", ["2 cs whole milk", "3 mozz"]),
    ("3 cs eggs 2 bacon 1 cs fries", ["3 cs eggs", "2 bacon", "1 cs fries"]),
    ("need 4 bags mozz, 2 cs pizza sauce, 1 bag 00 flour",
     ["4 bags mozz", "2 cs pizza sauce", "1 bag 00 flour"]),
    ("1 cs 12oz hot cups + 1 cs coffee lids + 2 cs oat milk",
     ["1 cs 12oz hot cups", "1 cs coffee lids", "2 cs oat milk"]),
    ("cream cheese x3, lox x2, 1 cs eggs", ["3 cream cheese", "2 lox", "1 cs eggs"]),
    ("milk x2; eggs x3", ["2 milk", "3 eggs"]),
    ("mozz - 3 bags", ["3 bags mozz"]),
    ("patties 4 cs, brioche buns 6 cs", ["4 cs patties", "6 cs brioche buns"]),
    ("leche 2 huevos 3", ["2 leche", "3 huevos"]),
    ("2 american cheese 1 provo 5 lb ham 5 lb turkey",
     ["2 american cheese", "1 provo", "5 lb ham", "5 lb turkey"]),
    ("2 cs milk and 1 half and half, that's all", ["2 cs milk", "1 half and half"]),
    ("1 mac and cheese, 2 salt & pepper", ["1 mac and cheese", "2 salt & pepper"]),
    ("Can I get 5 lbs ground beef, a case of bacon and 2 cs fries",
     ["5 lbs ground beef", "a case of bacon", "2 cs fries"]),
    ("can i get 2 cs milk?", ["2 cs milk"]),
    ("i need milk and eggs", ["milk", "eggs"]),
    ("2 cs milk for tomorrow please thanks", ["2 cs milk"]),
    ("Please send us 10 cases of spring water, 4 cases of orange juice and 2 cases of plain "
     "greek yogurt for Monday.",
     ["10 cases of spring water", "4 cases of orange juice", "2 cases of plain greek yogurt"]),
    ("4 bundles 16 inch pizza boxes 2 bundles 12 inch pizza boxes",
     ["4 bundles 16 inch pizza boxes", "2 bundles 12 inch pizza boxes"]),
    # multi-line WhatsApp lists, bullets, numbers, headers
    ("Order for tomorrow:\n- 3 cs whole milk\n- 2 cs oat milk\n- 2 cs 16oz hot cups",
     ["3 cs whole milk", "2 cs oat milk", "2 cs 16oz hot cups"]),
    ("romaine x4\nspring mix x2\ncherry tomatoes x2", ["4 romaine", "2 spring mix",
                                                      "2 cherry tomatoes"]),
    ("1. brisket 40 lbs\n2. pork butt 60 lbs\n3. bbq sauce 2 cs",
     ["brisket 40 lbs", "pork butt 60 lbs", "2 cs bbq sauce"]),
    ("• salmon 20 lb\n• shrimp 16/20 x 4 bags", ["salmon 20 lb", "4 bags shrimp 16/20"]),
    ("Hi! this week please:\n* 6 bags shredded mozz\n* 2 cs ricotta",
     ["6 bags shredded mozz", "2 cs ricotta"]),
    ("cod 2 cs, tilapia 1 cs\nfries 3 cs, lemons 1 cs",
     ["2 cs cod", "1 cs tilapia", "3 cs fries", "1 cs lemons"]),
    ("whole milk: 2 cases\nmozz: 3 bags", ["2 cases whole milk", "3 bags mozz"]),
    ("For Saturday: 2 bags mussels, 20 lbs salmon", ["2 bags mussels", "20 lbs salmon"]),
    # Spanish and Spanglish
    ("Hola! me mandas 2 cajas de leche entera y 3 bolsas de mozz porfa",
     ["2 cajas de leche entera", "3 bolsas de mozz"]),
    ("necesito 5 bolsas de harina, 2 bolsas de azúcar y 1 caja de levadura",
     ["5 bolsas de harina", "2 bolsas de azúcar", "1 caja de levadura"]),
    ("Pedido:\ncarne molida - 20 lbs\ntortillas de maiz - 4 cajas",
     ["carne molida - 20 lbs", "4 cajas tortillas de maiz"]),
    ("hola, me mandas 2 cs de chicken breast y 3 bolsas de cebolla please",
     ["2 cs de chicken breast", "3 bolsas de cebolla"]),
]


@pytest.mark.parametrize(("text", "items"), ORDERS)
def test_order_lines(text: str, items: list[str]) -> None:
    """Every product mention becomes one order line, with its quantity first."""
    got = extract(text)
    assert got.intent is Intent.ORDER
    assert got.items == items
    assert got.confidence >= 0.8


EMAIL = (
    "Hi team,\n\nHope you're well. Could you please send the following for Thursday:\n\n"
    "- 4 bags shredded mozz\n- 2 cs whole peeled tomatoes\n\nThanks,\nMaria Lopez\n"
    "Purchasing | Luigi's Trattoria\n(201) 555-0147\n\n"
    "On Tue, Mar 3, 2026 at 9:14 AM Harbor Foods <orders@harbor.example> wrote:\n"
    "> Your last order:\n> 9 x Whole Milk"
)


def test_email_with_greeting_signature_and_history() -> None:
    """Only the new list counts: not the greeting, the signature or the quoted order."""
    got = extract(EMAIL)
    assert got.intent is Intent.ORDER
    assert got.items == ["4 bags shredded mozz", "2 cs whole peeled tomatoes"]
    assert got.unparsed == []


def test_one_paragraph_email_signed_inline() -> None:
    """'... Thanks, Rob' at the end of a sentence is a sign-off, not a product called Rob."""
    got = extract("Hi, please send 4 cs fries and 3 cs burger patties. Thanks, Rob")
    assert got.items == ["4 cs fries", "3 cs burger patties"]


def test_delivery_note_is_kept_aside_and_lowers_confidence() -> None:
    """Text that is no item is reported, so staff or the LLM can look at it."""
    got = extract("2 cs milk. Please deliver before 10am")
    assert got.items == ["2 cs milk"]
    assert got.unparsed == ["deliver before 10am"]
    assert got.confidence < 0.8


@pytest.mark.parametrize(
    "text",
    ["also 2 cs eggs", "add 3 bags mozz", "and 10 lbs ham", "+ 2 cs provolone",
     "oh and 1 cs of half and half", "can you add 2 cases of eggs to my order?",
     "y 1 cs cilantro", "agrega 2 cajas de huevos", "2 cs eggs too"],
)
def test_additions(text: str) -> None:
    """A message that adds to an order already under way is ADD, with its lines."""
    got = extract(text)
    assert got.intent is Intent.ADD
    assert len(got.items) == 1


CHANGES = [
    ("make the milk 3", Change(SET, "milk", Decimal(3))),
    ("change milk to 3 cases", Change(SET, "milk", Decimal(3), "cases")),
    ("make the everything bagels 3 dozen", Change(SET, "everything bagels", Decimal(3), "dozen")),
    ("actually make the fries 6", Change(SET, "fries", Decimal(6))),
    ("make it 4", Change(SET, None, Decimal(4))),
    ("sorry, 3 cs chicken thighs not 2", Change(SET, "chicken thighs", Decimal(3), "cs")),
    ("milk should be 3", Change(SET, "milk", Decimal(3))),
    ("que sean 4 de camarones", Change(SET, "camarones", Decimal(4))),
    ("cambia la leche a 3", Change(SET, "leche", Decimal(3))),
    ("remove the coke", Change(REMOVE, "coke")),
    ("no coke", Change(REMOVE, "coke")),
    ("no onion rings", Change(REMOVE, "onion rings")),
    ("take the cucumbers off", Change(REMOVE, "cucumbers")),
    ("cancel the milk", Change(REMOVE, "milk")),
    ("please remove the shallots from my order", Change(REMOVE, "shallots")),
    ("we don't need the sprite anymore", Change(REMOVE, "sprite")),
    ("quita la coca", Change(REMOVE, "coca")),
    ("sin cebolla", Change(REMOVE, "cebolla")),
    ("add 2 more cases of eggs", Change(ADD, "eggs", Decimal(2), "cases")),
    ("2 more eggs", Change(ADD, "eggs", Decimal(2))),
    ("and 1 more case of straws", Change(ADD, "straws", Decimal(1), "case")),
    ("another bag of mozz", Change(ADD, "mozz", Decimal(1), "bag")),
    ("add 2 more bags of rice", Change(ADD, "rice", Decimal(2), "bags")),
    ("agrega 2 cajas más de huevos", Change(ADD, "huevos", Decimal(2), "cajas")),
    ("otra caja de huevos", Change(ADD, "huevos", Decimal(1), "caja")),
    ("change the 16oz cups to 20oz",
     Change(REPLACE, "16oz cups", replacement="20oz cups", said="20oz")),
    ("swap the whole milk for 2%", Change(REPLACE, "whole milk", replacement="2% milk", said="2%")),
    ("replace the coke with diet coke",
     Change(REPLACE, "coke", replacement="diet coke", said="diet coke")),
    ("20oz cups instead of 16oz",
     Change(REPLACE, "16oz cups", replacement="20oz cups", said="20oz cups")),
    ("instead of the 16oz cups, send 20oz",
     Change(REPLACE, "16oz cups", replacement="20oz cups", said="20oz")),
    ("change the cups to 3 cases of 20oz",
     Change(REPLACE, "cups", Decimal(3), "cases", "20oz cups", "20oz")),
    ("change the coke to 2 liter",
     Change(REPLACE, "coke", replacement="2 liter coke", said="2 liter")),
    ("cambia los vasos de 16oz por los de 20oz",
     Change(REPLACE, "vasos de 16oz", replacement="vasos de 20oz", said="20oz")),
]


@pytest.mark.parametrize(("text", "change"), CHANGES)
def test_changes(text: str, change: Change) -> None:
    """Modifications name the line they change and the number, absolute or relative."""
    got = extract(text)
    assert got.changes == [change]
    assert got.items == []
    expected_intent = {SET: Intent.MODIFY, REPLACE: Intent.MODIFY, REMOVE: Intent.REMOVE,
                       ADD: Intent.ADD}[change.kind]
    assert got.intent is expected_intent


def test_several_changes_in_one_message() -> None:
    """'remove the oj and make the bacon 3' is two changes."""
    got = extract("remove the oj and make the bacon 3")
    assert got.changes == [Change(REMOVE, "oj"), Change(SET, "bacon", Decimal(3))]
    assert got.intent is Intent.MODIFY


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("remove the coke and the sprite", [Change(REMOVE, "coke"), Change(REMOVE, "sprite")]),
        ("make the milk 3 and the mozz 2",
         [Change(SET, "milk", Decimal(3)), Change(SET, "mozz", Decimal(2))]),
        ("quita la coca y el sprite", [Change(REMOVE, "coca"), Change(REMOVE, "sprite")]),
    ],
)
def test_a_change_carries_over_to_the_next_clause(text: str, changes: list[Change]) -> None:
    """'... and the sprite' continues the removal before it."""
    assert extract(text).changes == changes


def test_change_and_new_item_together() -> None:
    """'make the mozz 8 bags and add 2 fresh basil': one change, one new line."""
    got = extract("Sorry, make the mozz 8 bags and add 2 fresh basil.")
    assert got.changes == [Change(SET, "mozz", Decimal(8), "bags")]
    assert got.items == ["2 fresh basil"]
    assert got.intent is Intent.MODIFY


def test_complete_replacement_uses_the_line_it_replaces() -> None:
    """The pipeline can complete '20oz' from the ordered line's own words."""
    assert complete_replacement("20oz", "3 cs 16oz clear cups") == "3 cs 20oz clear cups"
    assert complete_replacement("20 oz", "16 oz hot cups") == "20 oz hot cups"
    assert complete_replacement("2 liter", "coke") == "2 liter coke"
    assert complete_replacement("skim", "whole milk") == "skim milk"


CONFIRMS = ["yes", "Yes!", "yes confirm", "yes pls", "yep", "ok", "ok send it", "send it",
            "confirm", "Confirmed, thank you.", "go ahead", "looks good", "looks good, send it",
            "perfect thanks", "perfect, send it", "👍", "👍🏼", "✅", "si", "sí", "Sí, confirmo.",
            "dale", "ok dale", "listo, confirmo", "perfecto", "Sí, así está bien", "Approved.",
            "Yes that's correct, please confirm.", "yes please go ahead",
            "Yes, please go ahead.\n\nMaria", "Looks good. Thanks!\n\nJen\nGreen Leaf Catering",
            "Confirmed, thank you.\n\nSent from my iPhone"]


@pytest.mark.parametrize("text", CONFIRMS)
def test_confirmations(text: str) -> None:
    """Every way customers say yes to a summary is CONFIRM, and carries no items."""
    got = extract(text)
    assert got.intent is Intent.CONFIRM
    assert got.items == [] and got.changes == []
    assert got.confidence >= 0.9


def test_that_is_all_alone_is_a_weak_confirmation() -> None:
    """'that's all thanks' closes the order but the rules are not sure it confirms."""
    got = extract("that's all thanks")
    assert got.intent is Intent.CONFIRM
    assert got.confidence < 0.8


@pytest.mark.parametrize("text", ["2 cs milk, 3 bags mozz, that's all",
                                  "ok 3 cs eggs, that's it thanks", "yes and add 2 cs eggs"])
def test_an_order_ending_in_thats_all_is_not_a_confirmation(text: str) -> None:
    """Items in the message make it an order, whatever polite words close it."""
    assert extract(text).intent in (Intent.ORDER, Intent.ADD)


CANCELS = ["cancel", "Cancel.", "never mind", "nevermind, cancel the order", "cancel my order",
           "forget it", "actually forget it, cancel", "cancela", "cancela el pedido",
           "olvídalo", "olvídalo, ya no", "❌", "sabes qué, cancela el pedido, gracias",
           "Hi, please cancel this order, we're closed for the holiday.\n\nKevin",
           "we don't need it anymore"]


@pytest.mark.parametrize("text", CANCELS)
def test_cancellations(text: str) -> None:
    """Calling the whole order off is CANCEL, distinct from removing one line."""
    got = extract(text)
    assert got.intent is Intent.CANCEL
    assert got.items == [] and got.changes == []


def test_no_thanks_declines_and_bare_no_is_unsure() -> None:
    """'no thanks' declines; a bare 'no' could mean cancel or change, so it stays OTHER."""
    assert extract("no thanks").intent is Intent.CANCEL
    bare = extract("no")
    assert bare.intent is Intent.OTHER and bare.confidence < 0.8 and bare.items == []


@pytest.mark.parametrize("text", ["hi", "Hello!", "buenos días", "Hola", "morning!", "hey there",
                                  "Hi team,", "hi this is Maria from Luigi's", "yo"])
def test_greetings(text: str) -> None:
    """A greeting alone is GREETING, with nothing to order."""
    got = extract(text)
    assert got.intent is Intent.GREETING
    assert got.items == []


QUESTIONS = [
    ("do you have oat milk?", QuestionKind.STOCK, "oat milk"),
    ("do u have strawberries", QuestionKind.STOCK, "strawberries"),
    ("Do you carry Perrier?", QuestionKind.STOCK, "Perrier"),
    ("is the burrata in stock?", QuestionKind.STOCK, "burrata"),
    ("any scallops this week?", QuestionKind.STOCK, "scallops"),
    ("¿tienen leche de avena?", QuestionKind.STOCK, "leche de avena"),
    ("hay burrata?", QuestionKind.STOCK, "burrata"),
    ("how much is the mozz?", QuestionKind.PRICE, "mozz"),
    ("price on 1/3 lb patties?", QuestionKind.PRICE, "1/3 lb patties"),
    ("what's the price of heavy cream", QuestionKind.PRICE, "heavy cream"),
    ("cuánto cuesta el queso?", QuestionKind.PRICE, "queso"),
    ("when do you deliver?", QuestionKind.DELIVERY, None),
    ("what time will the truck get here?", QuestionKind.DELIVERY, None),
    ("¿a qué hora llega el pedido?", QuestionKind.DELIVERY, None),
    ("what's your address?", QuestionKind.OTHER, None),
]


@pytest.mark.parametrize(("text", "kind", "mention"), QUESTIONS)
def test_questions(text: str, kind: QuestionKind, mention: str | None) -> None:
    """Stock, price and delivery questions carry their kind and product mention."""
    got = extract(text)
    assert got.intent is Intent.QUESTION
    assert (got.question_kind, got.question_mention) == (kind, mention)
    assert got.question and got.items == []


def test_order_with_a_question_keeps_both() -> None:
    """'2 cs milk, do you have oat milk?' orders milk and asks about oat milk."""
    got = extract("2 cs milk, do you have oat milk?")
    assert got.intent is Intent.ORDER and got.items == ["2 cs milk"]
    assert got.question_kind is QuestionKind.STOCK and got.question_mention == "oat milk"


def test_confirmation_with_a_question_keeps_both() -> None:
    """'yes, when will it arrive?' confirms and asks."""
    got = extract("yes, when will it arrive?")
    assert got.intent is Intent.CONFIRM
    assert got.question_kind is QuestionKind.DELIVERY


HANDOFFS = [
    ("I want to speak to someone", HandoffReason.REQUESTED_HUMAN),
    ("can I talk to a real person please", HandoffReason.REQUESTED_HUMAN),
    ("is this a bot?", HandoffReason.REQUESTED_HUMAN),
    ("agent", HandoffReason.REQUESTED_HUMAN),
    ("can someone call me", HandoffReason.REQUESTED_HUMAN),
    ("quiero hablar con alguien", HandoffReason.REQUESTED_HUMAN),
    ("me pueden llamar por favor", HandoffReason.REQUESTED_HUMAN),
    ("this is wrong again", HandoffReason.ANGRY),
    ("this is ridiculous, every time the same thing!!", HandoffReason.ANGRY),
    ("otra vez mal el pedido 😡", HandoffReason.ANGRY),
    ("the milk you delivered yesterday was expired", HandoffReason.COMPLAINT),
    ("you sent the wrong cheese", HandoffReason.COMPLAINT),
    ("our order never arrived", HandoffReason.COMPLAINT),
    ("I want to make a complaint", HandoffReason.COMPLAINT),
    ("los huevos llegaron rotos", HandoffReason.COMPLAINT),
]


@pytest.mark.parametrize(("text", "reason"), HANDOFFS)
def test_handoff_by_rules(text: str, reason: HandoffReason) -> None:
    """A request for a person, anger or a complaint hands off, decided by rules alone."""
    got = extract(text)
    assert got.intent is Intent.HANDOFF
    assert got.handoff and got.handoff_reason is reason
    assert got.items == []


def test_handoff_keeps_items_of_the_same_message() -> None:
    """Items beside a handoff request are still read, for the person taking over."""
    got = extract("2 cs eggs, 1 cs bacon. can I talk to someone?")
    assert got.intent is Intent.HANDOFF
    assert got.items == ["2 cs eggs", "1 cs bacon"]


@pytest.mark.parametrize("text", ["no that's wrong, make the milk 3", "make the milk 3",
                                  "thanks", "2 cs milk"])
def test_corrections_are_not_handoffs(text: str) -> None:
    """A plain correction or 'wrong' without anger does not take the agent off the job."""
    assert not extract(text).handoff


@pytest.mark.parametrize(
    ("text", "lang"),
    [("me mandas 2 cajas de leche", Language.ES), ("2 cs whole milk", Language.EN),
     ("sí", Language.ES), ("quita la coca", Language.ES)],
)
def test_language_of_the_message(text: str, lang: Language) -> None:
    """The reply language follows the customer's."""
    assert extract(text).language is lang


def test_language_can_be_given() -> None:
    """A conversation's known language overrides detection."""
    assert extract("ok", lang="es").language is Language.ES


def test_known_names_protect_catalog_compounds() -> None:
    """A catalog name containing 'and' is one item, not two."""
    text = "2 cs chips and queso kit and 1 cs lemons"
    assert extract(text).items == ["2 cs chips", "queso kit", "1 cs lemons"]
    got = extract(text, known_names=["Chips and Queso Kit 2 lb"])
    assert got.items == ["2 cs chips and queso kit", "1 cs lemons"]


@pytest.mark.parametrize("text", ["", "   ", "-- \nMario", "> quoted only"])
def test_empty_messages(text: str) -> None:
    """Nothing to read is OTHER with low confidence, never an error."""
    got = extract(text)
    assert got.intent is Intent.OTHER and got.items == [] and got.confidence < 0.5


@pytest.mark.parametrize("text", ["the usual please", "same as last time"])
def test_unreadable_requests_are_unsure(text: str) -> None:
    """What the rules cannot place gives low confidence, so the LLM or staff is asked."""
    got = extract(text)
    assert got.items == []
    assert got.confidence < 0.8


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("For next Friday we need 20 cs spring water and 10 cs coke.",
         ["20 cs spring water", "10 cs coke"]),
        ("Hey guys can you send over 2 cases of the whole milk and a case of heavy cream for "
         "tmrw? thx", ["2 cases of the whole milk", "a case of heavy cream"]),
        ("Could I please order 3 cases of fries and 2 cases of chicken tenders for Thursday "
         "delivery? Thank you!", ["3 cases of fries", "2 cases of chicken tenders"]),
        ("10 lb carne molida 3 cs tortillas de maiz", ["10 lb carne molida",
                                                       "3 cs tortillas de maiz"]),
    ],
)
def test_talk_around_the_lines_is_dropped(text: str, items: list[str]) -> None:
    """Request phrases and delivery days around a list never end up inside an order line."""
    assert extract(text).items == items


def test_a_quantity_answers_the_question_it_follows() -> None:
    """'do you have burrata? if so I'll take 2' orders 2 burrata."""
    got = extract("hi! do you guys have burrata this week? if so I'll take 2")
    assert got.items == ["2 burrata"]
    assert got.question_kind is QuestionKind.STOCK


def test_a_quantity_without_a_product_is_not_an_item() -> None:
    """'need 5 bags' names nothing to match: it is reported, with low confidence."""
    got = extract("we're out of mozz!! need 5 bags asap")
    assert got.items == [] and "5 bags" in got.unparsed and got.confidence < 0.8


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("oh wait, I need 3 not 2", Change(SET, None, Decimal(3))),
        ("pls change the mozz to 6 bags", Change(SET, "mozz", Decimal(6), "bags")),
        ("no, the milk should be 3 not 2", Change(SET, "milk", Decimal(3))),
        ("make that 4 cases of fries", Change(SET, "fries", Decimal(4), "cases")),
        ("scratch the tenders", Change(REMOVE, "tenders")),
        ("ya no quiero la crema", Change(REMOVE, "crema")),
        ("mejor 4 de leche", Change(SET, "leche", Decimal(4))),
    ],
)
def test_corrections(text: str, change: Change) -> None:
    """Corrections of a quantity or a line, with or without the product named."""
    got = extract(text)
    assert got.changes == [change] and got.items == []
    assert got.confidence >= 0.8


def test_yes_with_a_delivery_note_confirms_unsurely() -> None:
    """'yes, and please deliver before 10' confirms; the note is kept, confidence lowered."""
    got = extract("yes, and please deliver before 10")
    assert got.intent is Intent.CONFIRM
    assert got.unparsed == ["deliver before 10"] and got.confidence < 0.8


@pytest.mark.parametrize("text", ["Same as last week but add 2 cs eggs", "QTY  ITEM\n2 whole milk",
                                  "our chef wants 20 cs spring water"])
def test_unread_text_beside_items_lowers_confidence(text: str) -> None:
    """Items are read; what is left over ('same as last week') makes the rules unsure."""
    got = extract(text)
    assert len(got.items) == 1 and got.unparsed and got.confidence < 0.8


@pytest.mark.parametrize("text", ["2 " * 10_000, "a" * 20_000, "On " + "x " * 5_000,
                                  "2 cs " + "de " * 4_000 + "leche", "milk x" * 5_000])
def test_long_messages_stay_fast(text: str) -> None:
    """No rule backtracks badly on a pasted document: bounded time, no error."""
    start = time.perf_counter()
    extract(text)
    assert time.perf_counter() - start < 2.0
