"""What a customer notices: replies in their language, a go-ahead in their words confirms,
lines they take back by their own words go, and "just the X" keeps only X."""

from __future__ import annotations

from tests.agent import talk

PHONE = "+13055550163"


async def chat(database, demo, text: str) -> str:
    return await talk.chat(database, demo, text, sender=PHONE)


async def _orders(database, demo) -> list[list[tuple[str, float]]]:
    return await talk.order_lines(database, demo, by_sku=True)


async def test_a_portuguese_customer_is_answered_in_portuguese(database, demo) -> None:
    reply = await chat(database, demo, "Olá, bom dia! Preciso de 2 cs whole milk, obrigado")
    assert reply.startswith("Seu pedido até agora:")
    assert "- 2 x Whole Milk 1 Gallon" in reply and "Responda SIM" in reply
    reply = await chat(database, demo, "vai")
    assert reply.startswith("Obrigado! Pedido confirmado:")
    assert await _orders(database, demo) == [[("DY-1001", 2.0)]]


async def test_a_french_customer_is_answered_in_french(database, demo) -> None:
    reply = await chat(database, demo, "Bonjour, je voudrais 3 cs whole milk, merci")
    assert reply.startswith("Votre commande pour l'instant :")
    assert "Répondez OUI" in reply
    reply = await chat(database, demo, "d'accord")
    assert reply.startswith("Merci ! Commande confirmée :")


async def test_a_bare_ok_keeps_the_italian_of_the_conversation(database, demo) -> None:
    reply = await chat(database, demo, "Buongiorno, vorrei 2 cs whole milk per domani")
    assert reply.startswith("Il tuo ordine finora:") and "Rispondi SÌ" in reply
    reply = await chat(database, demo, "ok")
    assert reply.startswith("Grazie! Ordine confermato:")


async def test_a_line_not_read_is_asked_about_in_the_customers_language(database, demo
                                                                        ) -> None:
    reply = await chat(database, demo, "Bonjour, je voudrais 2 cs whole milk et 3 cs wagyu "
                                       "tomahawk")
    assert "Introuvable dans notre catalogue" in reply and "“3 cs wagyu tomahawk”" in reply


async def test_just_the_one_line_then_yes_ships_only_it(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk, 3 bags shredded mozzarella, 1 cs burrata")
    reply = await chat(database, demo, "fine, only the mozzarella then. yes")
    assert "confirmed" in reply.lower() and "Whole Milk" not in reply
    assert await _orders(database, demo) == [[("CH-2003", 3.0)]]


async def test_a_line_they_lack_by_their_words_goes_only_if_not_read(database, demo) -> None:
    """ "skip the X if you don't have it": a line read surely, and in stock, stays."""
    await chat(database, demo, "2 cs whole milk\n1 cs oat milk")
    reply = await chat(database, demo, "skip the oat milk if you don't have it, and go ahead")
    assert "confirmed" in reply.lower() and "Oat Milk" in reply
    assert len((await _orders(database, demo))[0]) == 2


async def test_a_line_out_of_stock_goes_when_they_say_we_lack_it(database, demo) -> None:
    """ "burrata no stock? ok send the rest": the catalog has it out of stock, so it goes."""
    await chat(database, demo, "2 cs whole milk\n1 cs burrata")
    reply = await chat(database, demo, "burrata no stock? ok send the rest")
    confirmed, _, left_out = reply.partition("Out of stock")
    assert "confirmed" in confirmed.lower() and "Burrata" not in confirmed
    assert "Burrata" in left_out  # the confirmation says what will not ship
    assert await _orders(database, demo) == [[("DY-1001", 2.0)]]


async def test_a_line_named_in_the_customers_words_is_the_one_removed(database, demo) -> None:
    """ "without the X" finds the line the customer wrote as X, whatever it was read as."""
    await chat(database, demo, "2 cs whole milk\n3 bags shredded mozzarella")
    reply = await chat(database, demo, "proceed without the shredded mozz")
    assert "confirmed" in reply.lower() and "Mozzarella" not in reply
    assert await _orders(database, demo) == [[("DY-1001", 2.0)]]


async def test_a_product_word_the_detector_takes_for_a_name_is_still_ordered(database, demo
                                                                            ) -> None:
    """ "Burrata: 2 cases" in a bulleted email: the product, not a person, is read (and,
    out of stock, shown as such); the signature's name is not quoted anywhere."""
    reply = await chat(database, demo, "Good morning,\n\nPlease send:\n\n- Burrata: 2 cases\n"
                                       "- Tilapia: 1 case\n- Wagyu tomahawk: 3 cases\n\n"
                                       "Thanks,\nJordan Reyes")
    assert "- Burrata 4 oz" in reply and "- 1 x Tilapia Fillets" in reply
    assert "Jordan" not in reply and "<PERSON>" not in reply


async def test_a_corrected_count_applies_to_the_one_line(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "no wait, 3")
    assert "- 3 x Whole Milk 1 Gallon" in reply


async def test_a_bare_count_with_several_lines_is_asked_about(database, demo) -> None:
    """ "2 more" after two lines: which one? The customer is asked; nothing is guessed."""
    await chat(database, demo, "2 cs whole milk, 1 bag shredded mozzarella")
    reply = await chat(database, demo, "2 more")
    assert "I could not tell which line you meant: “2 more”" in reply
    assert "- 2 x Whole Milk 1 Gallon" in reply and "- 1 x Shredded Mozzarella" in reply


async def test_a_line_naming_only_a_unit_is_the_earlier_product_in_that_form(database, demo
                                                                           ) -> None:
    """ "2 cs coke, 3 cs bottles": the bottles are coke's bottle form, not another product."""
    reply = await chat(database, demo, "2 cs coke, 3 cs bottles")
    assert "- 2 x Coca-Cola Classic 12 oz Can" in reply
    assert "- 3 x Coca-Cola Classic" in reply and "Bottle" in reply
    assert "Water" not in reply


async def test_a_short_line_takes_its_product_from_the_question_before(database, demo
                                                                     ) -> None:
    """ "2 cs of the white and 1 cs yellow" after asking about a product: both are it."""
    await chat(database, demo, "Do you carry american cheese? white and yellow?")
    reply = await chat(database, demo, "ok 2 of the white and 1 yellow")
    assert "- 2 x American Cheese White 160 Slice" in reply
    assert "- 1 x American Cheese Yellow 160 Slice" in reply


async def test_an_unsure_line_quotes_what_the_customer_wrote(database, demo) -> None:
    """A guess is shown with the customer's own words, so a wrong one is easy to spot."""
    reply = await chat(database, demo, "2 cs whole milk, 1 cs unicorn cheese")
    guessed = [ln for ln in reply.splitlines() if "please check" in ln]
    assert "“1 cs unicorn cheese”" in reply  # quoted, as a guess or as not found
    assert all("“1 cs unicorn cheese”" in ln for ln in guessed)
    assert "- 2 x Whole Milk 1 Gallon - $55.00\n" in reply


async def test_a_price_question_in_italian_is_answered_in_italian(database, demo) -> None:
    reply = await chat(database, demo, "Buongiorno, quanto costa la shredded mozzarella?")
    assert reply.startswith("Shredded Mozzarella 5 lb Bag: disponibile, $")


async def test_the_same_of_another_product_takes_the_last_lines_count(database, demo) -> None:
    await chat(database, demo, "3 cs whole milk")
    reply = await chat(database, demo, "and the same of the shredded mozzarella")
    assert "- 3 x Whole Milk 1 Gallon" in reply and "- 3 x Shredded Mozzarella 5 lb Bag" in reply
