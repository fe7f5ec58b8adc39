"""Write the tuning corpus `tests/privacy/pii_corpus.jsonl` (≥ 220 labelled messages).

Run: .venv/bin/python bench/make_pii_corpus.py
Order messages as customers write them (English and Spanish), with PII labelled and many
look-alikes that are not PII. Offsets come from `pii_build.msg`, so they are exact.
"""

from __future__ import annotations

from pathlib import Path

from pii_build import group, iban, luhn_complete, msg, write

OUT = Path(__file__).resolve().parent.parent / "tests" / "privacy" / "pii_corpus.jsonl"


def P(v: str) -> tuple[str, str]:
    return ("P", v)


def E(v: str) -> tuple[str, str]:
    return ("E", v)


def C(v: str) -> tuple[str, str]:
    return ("C", v)


def I(v: str) -> tuple[str, str]:  # noqa: E743
    return ("I", v)


def S(v: str) -> tuple[str, str]:
    return ("S", v)


def IP(v: str) -> tuple[str, str]:
    return ("IP", v)


def A(v: str) -> tuple[str, str]:
    return ("A", v)


def N(v: str) -> tuple[str, str]:
    return ("N", v)


VISA2 = group(luhn_complete("453201511283036"))
MC2 = group(luhn_complete("541333008888777"), sep="-")
VISA3 = luhn_complete("401288888888188")

# (channel, parts...) in order; ids are given by position.
MESSAGES: list[tuple[object, ...]] = [
    # --- phones: US / Canada / Puerto Rico
    ("sms", "2 cs whole milk, call me at ", P("(305) 555-0143"), " -- ", N("Linda")),
    ("sms", "need 3 cs mozz and 2 bags shredded parm. my cell is ", P("786-555-0199")),
    ("whatsapp", "hey its ", N("Tony"), " from Tony's Deli, new number ", P("305.555.0177"),
     " pls update"),
    ("sms", "can u text ", P("3055550162"), " when the truck leaves"),
    ("sms", "Order for Mario's: 4 cs DY-1001, 2 cs CH-2003. Questions call ", P("+1 305 555 0188")),
    ("email", "Hi team,\nplease add 6 cases of heavy cream to Tuesday's delivery.\n"
     "Reach me at ", P("(212) 555-0187"), " if anything is out of stock.\nThanks,\n",
     N("Rachel Kim"), "\nPurchasing, Bluebird Cafe"),
    ("whatsapp", "Buenas, para mañana 5 cajas de leche entera. Mi cel ", P("+1 786 555 0123")),
    ("sms", "pls deliver before 10am. if no one answers try the office line ",
     P("416-555-0199")),
    ("sms", "we moved! new kitchen phone ", P("(787) 555-0102"), ", same order as usual"),
    ("email", "Our new buyer will be ", N("Samantha Lee"), " (", E("slee@bluebirdcafe.com"),
     ", ", P("646-555-0134"), "). Please copy her on invoices."),
    ("sms", "call ", N("Mike"), " at ", P("305 555 0150"), " when ur outside, back door"),
    ("sms", "confirm order #10293? call me back ", P("+1-954-555-0110")),
    # --- phones: Mexico
    ("whatsapp", "Hola, quiero 10 kg de queso oaxaca y 3 cajas de crema. Llámame al ",
     P("55 1234 5678")),
    ("whatsapp", "Pedido para la sucursal Polanco, cualquier duda al ", P("+52 55 8765 4321")),
    ("whatsapp", "soy ", N("Ramón"), " de la taquería, mi whats es ", P("+52 1 33 1234 5678")),
    ("sms", "Favor de llamar a ", N("Lupita"), " al ", P("81 8123 4567"),
     " antes de entregar"),
    ("whatsapp", "para tijuana: 20 cajas de refresco. tel ", P("664 123 4567")),
    ("email", "Buen día, les escribe ", N("Gerardo Salinas"), ". Necesito cotización de "
     "30 cajas de aceite. Mi número: ", P("656-123-4567"), "\nSaludos"),
    # --- phones: Spain
    ("whatsapp", "Buenos días, para el bar: 4 barriles y 2 cajas de limones. Mi móvil ",
     P("612 34 56 78")),
    ("email", "Hola, pedido semanal adjunto. Cualquier cosa llamadme al ", P("+34 612 345 678"),
     ".\nUn saludo,\n", N("Marta Ruiz")),
    ("whatsapp", "El repartidor puede llamar al fijo ", P("93 123 45 67"),
     " si no abre nadie"),
    ("sms", "oficina central ", P("+34 91 234 56 78"), ", pregunta por ", N("Alberto")),
    # --- phones: UK, Ireland
    ("email", "Please send 12 x 1L oat milk to the Shoreditch site. Contact ", P("020 7946 0958"),
     " for access.\nCheers,\n", N("Oliver")),
    ("whatsapp", "running low on espresso beans, ring me on ", P("07911 123456")),
    ("email", "Manchester kitchen: ", P("+44 161 496 0000"), ", ask for ", N("Priya")),
    ("sms", "dublin branch phone ", P("+353 1 234 5678"), " - 3 cs butter"),
    # --- phones: Germany, France, Italy, Netherlands, Portugal
    ("email", "Bitte liefern Sie 5 Kisten Mineralwasser. Telefon ", P("030 12345678"),
     ".\nDanke,\n", N("Hans Müller")),
    ("whatsapp", "Handy ", P("+49 171 1234567"), " - 2 Kisten Apfelsaft bitte"),
    ("email", "Bonjour, 6 caisses de beurre doux svp. Mon portable: ", P("06 12 34 56 78")),
    ("whatsapp", "livraison au resto, tel ", P("+33 6 12 34 56 78")),
    ("email", "Ordine per la trattoria: 10 kg di farina 00. Chiamare ", P("+39 06 1234 5678"),
     ", grazie ", N("Giulia")),
    ("sms", "cell ", P("333 123 4567"), " for the Rome shipment"),
    ("email", "Amsterdam office: ", P("+31 20 123 4567"), ". Delivery dock opens at 7"),
    ("whatsapp", "encomenda para Lisboa, telemóvel ", P("+351 912 345 678")),
    # --- phones: Brazil, Colombia, India, others
    ("whatsapp", "Oi! Pedido: 15 caixas de cerveja. Meu zap ", P("(11) 98765-4321")),
    ("whatsapp", "Entrega no Rio, ligue para ", P("+55 21 2345-6789")),
    ("whatsapp", "Hola, para Bogotá 8 cajas de gaseosa. Cel ", P("301 234 5678")),
    ("sms", "Medellín: llamar al ", P("+57 604 444 5555"), " para coordinar"),
    ("whatsapp", "Pls send 20 kg basmati. My number ", P("98765 43210")),
    ("email", "Mumbai warehouse ", P("+91 22 2345 6789"), ", receiving 9am-5pm"),
    ("whatsapp", "Buenos Aires: ", P("+54 9 11 2345-6789"), " preguntar por ", N("Sofía")),
    ("whatsapp", "Santiago: mi celular ", P("+56 9 8765 4321")),
    ("whatsapp", "Lima: ", P("+51 987 654 321"), " - 5 cajas de ají amarillo"),
    ("sms", "Costa Rica office ", P("+506 8312 3456")),
    ("sms", "new fax ", P("(305) 555-0166"), " for invoices"),
    ("sms", "this is the new cell: ", P("954.555.0122"), ". old one is gone"),
    ("sms", "my # is ", P("305-555-0191"), " if the driver is lost"),
    ("whatsapp", "WhatsApp ", P("+52 998 123 4567"), " Cancún, 6 cajas de agua"),
    ("sms", "Call ", P("305 555 0108"), " or ", P("305 555 0109"), " whoever picks up"),
    # --- emails
    ("email", "Send the invoice to ", E("ap@marios-pizzeria.com"), " please"),
    ("sms", "email me the price list: ", E("linda.gomez@gmail.com")),
    ("whatsapp", "mi correo es ", E("carlos_mendez82@hotmail.com"), ", mándame la factura"),
    ("email", "cc ", E("chef.tony+orders@tonysdeli.net"), " on confirmations"),
    ("sms", "pls send confirmation to ", E("KITCHEN@BLUEBIRDCAFE.COM")),
    ("email", "New billing contact: ", N("Ana Torres"), " <", E("ana.torres@lacocina.com.mx"), ">"),
    ("whatsapp", "factura a nombre de Restaurante El Faro, correo ", E("facturas@elfaro.es")),
    ("email", "Hi, this is ", N("Derek"), " from Green Bowl. Statements go to ",
     E("accounts@greenbowl.co.uk"), ".\nBest,\n", N("Derek Hall")),
    ("sms", "my email changed to ", E("jsmith1977@yahoo.com"), " thx"),
    ("whatsapp", "manda el estado de cuenta a ", E("contabilidad@panaderialaespiga.com")),
    ("email", "Orders from now on: ", E("orders@harborgrill.us"), " and ", E("mgr@harborgrill.us")),
    ("sms", "receipt to ", E("pedro.alvarez@outlook.com"), " plz"),
    ("email", "Hola, el nuevo correo de compras es ", E("compras@taqueriaelsol.mx"),
     ".\nAtte. ", N("Juan Pérez")),
    ("whatsapp", "email: ", E("sushi.kaito@icloud.com"), " / 4 cs nori"),
    ("email", "please reply to ", E("m.rossi@trattoriarossi.it"), " not to my old address"),
    ("sms", "invoice copy -> ", E("bookkeeping@thecornercafe.org")),
    ("email", "Our accountant ", N("Paula Méndez"), " (", E("paula@mendezcpa.com"),
     ") needs the 1099 info"),
    ("whatsapp", "Correo para pedidos: ", E("pedidos@distribuidoraluna.com.co")),
    ("email", "Forward the credit memo to ", E("finance@burgerbarn.io"), " thanks"),
    ("sms", E("dani.ortega@gmail.com"), " is where I want the receipts"),
    # --- credit cards
    ("sms", "put it on my card ", C("4242 4242 4242 4242"), " exp 12/27"),
    ("whatsapp", "pago con tarjeta ", C("4111 1111 1111 1111"), " vence 08/26"),
    ("email", "Please charge this order to Visa ", C("4012888888881881"), ", exp 03/28."),
    ("sms", "mastercard ", C("5555-5555-5555-4444"), " cvv in next msg"),
    ("whatsapp", "amex ", C("3782 822463 10005"), " para el pedido de hoy"),
    ("sms", "use card ", C("6011 1111 1111 1117"), " for the balance"),
    ("email", "Card on file is expired. New one: ", C("5105 1051 0510 5100"), " 11/29"),
    ("whatsapp", "cobrar a la tarjeta ", C(VISA2)),
    ("sms", "charge ", C(MC2), " pls"),
    ("email", "Hi, for PO 4500012345 please charge ", C("3714 496353 98431"),
     ".\nThanks,\n", N("Karen")),
    ("sms", "debit card ", C("4000056655665556"), " (business account)"),
    ("whatsapp", "Tarjeta: ", C("5200 8282 8282 8210"), " a nombre de Comercial Ruiz"),
    ("sms", "JCB ", C("3566 0020 2036 0505"), " exp 01/27"),
    ("email", "Diners Club ", C("3056 930902 5904"), ", expiry 06/26"),
    ("sms", "new card ", C("2223 0031 2200 3222"), " old one was stolen"),
    ("whatsapp", "pay w/ ", C(VISA3), " same as last time but new exp 10/28"),
    ("sms", "card ", C("6011000990139424"), ", zip 33131"),
    ("email", "Order #10455: 4 cs CH-2003. Payment: visa ", C("4242-4242-4242-4242"), " 09/27"),
    # --- IBANs
    ("email", "Please refund to our account IBAN ", I(iban("DE", "370400440532013000")), "."),
    ("email", "Transferencia desde ", I(iban("ES", "21000418450200051332")),
     ", factura F-2024-0312"),
    ("email", "Bank details for the credit note: ", I(iban("GB", "WEST12345698765432"))),
    ("email", "RIB / IBAN : ", I(iban("FR", "20041010050500013M02606"))),
    ("whatsapp", "IBAN ", I(iban("NL", "ABNA0417164300")), " voor de terugbetaling"),
    ("email", "Coordinate bancarie: ", I(iban("IT", "X0542811101000000123456"))),
    ("email", "Pagamento para ", I(iban("PT", "000201231234567890154"))),
    ("email", "refund iban ", I(iban("BE", "539007547034", sep=None))),
    ("whatsapp", "Cuenta para el reembolso: ", I(iban("ES", "01821234561234567890")),
     " titular ", N("Luis Navarro")),
    ("email", "Irish account ", I(iban("IE", "AIBK93115212345678")), " for the Dublin site"),
    ("email", "Swiss branch pays from ", I(iban("CH", "00762011623852957"))),
    ("email", "Bankverbindung: ", I(iban("AT", "1904300234573201")), ", Danke"),
    ("email", "New account for direct debit ", I(iban("DE", "500105175407324931", sep=None))),
    ("whatsapp", "IBAN: ", I(iban("ES", "00491500051234567892")), " (Bar Manolo)"),
    ("email", "Please update supplier bank details to ", I(iban("GB", "NWBK60161331926819"))),
    ("email", "Paiement par virement: ", I(iban("FR", "30006000011234567890189"))),
    # --- US SSNs
    ("email", "For the credit application: owner SSN ", S("536-22-8741"), ", DOB on file"),
    ("sms", "my social security number is ", S("412-68-3390"), " for the credit check"),
    ("email", "Personal guarantee: ", N("Robert Chen"), ", SSN ", S("219-09-9999"), "."),
    ("whatsapp", "numero de seguro social ", S("627-14-5508"), " para la solicitud de crédito"),
    ("email", "SS# ", S("501-33-7420"), " (sole proprietor)"),
    ("sms", "ssn ", S("456 78 9123"), " sorry forgot to add it"),
    ("email", "tax info: ", S("318-55-2046")),
    # --- IP addresses
    ("email", "Our ordering tablet is at ", IP("192.168.1.20"), " if your tech needs it"),
    ("email", "Please whitelist ", IP("203.0.113.45"), " for the API integration"),
    ("sms", "POS terminal ip ", IP("10.0.0.15"), " keeps rejecting the sync"),
    ("email", "our static IP changed to ", IP("198.51.100.23")),
    ("email", "IPv6 for the EDI endpoint: ", IP("2001:db8:85a3::8a2e:370:7334")),
    ("whatsapp", "la ip del router es ", IP("172.16.254.1")),
    # --- street addresses
    ("sms", "deliver to ", A("1200 Brickell Ave Suite 300, Miami FL 33131"), " back entrance"),
    ("email", "New location opening! Please deliver to ", A("45 W 23rd St"),
     " starting Monday.\nThanks,\n", N("Jessica")),
    ("sms", "ship to ", A("350 5th Avenue"), ", loading dock on 33rd"),
    ("whatsapp", "entregar en ", A("Calle 5 #12-34"), ", Bogotá, preguntar por ", N("Camilo")),
    ("whatsapp", "Dirección: ", A("Av. Insurgentes Sur 1602, Col. Crédito Constructor, CP 03940")),
    ("email", "Nueva dirección de entrega: ", A("Calle Mayor 12, 3º B"), ", Madrid"),
    ("whatsapp", "mandar a ", A("Carrera 7 No. 45-10 local 3"), " en Chapinero"),
    ("sms", "our address is ", A("1600 Pennsylvania Ave NW, Washington, DC 20500")),
    ("sms", "drop at ", A("120 NE 27th St, Miami, FL 33137"), " before 9"),
    ("email", "Please use our commissary: ", A("88 Harbor Blvd, Unit 4, Long Beach, CA 90802")),
    ("whatsapp", "entrega en ", A("Paseo de la Castellana 100"), ", portería"),
    ("whatsapp", "dirección nueva: ", A("C/ Gran Vía 28, 2º izq"), " (Madrid)"),
    ("whatsapp", "Entrega na ", A("Avenida Paulista, 1578"), ", São Paulo"),
    ("email", "Livraison: ", A("12 rue de Rivoli"), ", 75004 Paris"),
    ("email", "Lieferadresse: ", A("Hauptstraße 5"), ", 10115 Berlin"),
    ("sms", "send to ", A("742 Evergreen Terrace"), " not the old place"),
    ("sms", "mail the check to ", A("PO Box 1234"), ", Hialeah FL"),
    ("whatsapp", "la nueva sucursal está en ", A("Av. Reforma 222"), ", piso 3"),
    ("sms", "deliver to ", A("9 Oak Ct"), " - side door"),
    ("email", "Bill to: ", A("2500 N Federal Hwy, Fort Lauderdale, FL 33305")),
    ("sms", "we're at ", A("1 Broadway"), " now, same hours"),
    ("whatsapp", "enviar a ", A("calle 45 # 23-10"), " barrio el Prado"),
    ("email", "Please route to ", A("500 Terry Francine St, San Francisco, CA 94158"),
     ". Receiving closes at 2pm."),
    ("sms", "new store: ", A("3100 Coral Way"), ", same phone"),
    ("whatsapp", "Dejar en ", A("Via Roma 10"), ", Milano"),
    ("email", "Warehouse moved to ", A("7700 NW 25th Street, Doral, FL 33122")),
    ("sms", "deliver to ", N("John"), " at ", A("55 Water St"), ", he signs for it"),
    ("sms", "pls drop the order at ", A("210 Lincoln Rd"), " by 11"),
    ("whatsapp", "Mi dirección es ", A("Rua Augusta, 1500"), " - apto 12"),
    ("sms", "2nd location ", A("17 Market Square"), " gets the same order"),
    # --- person names (plus a few nobody cues)
    ("sms", "ask for ", N("Maria"), " at the back door"),
    ("sms", "thanks ", N("mike")),
    ("whatsapp", "Saludos, ", N("Carlos")),
    ("sms", "this is ", N("Tom"), " from Harbor Grill, can I add 2 cs lemons?"),
    ("email", "Hi,\nplease cancel the bread on Friday's order.\n\n-- ", N("Linda Gomez")),
    ("sms", N("Tony"), " here, need 4 cs of the usual"),
    ("whatsapp", "Hola, soy ", N("Daniela"), " de Café Luna, quería 3 cajas de leche"),
    ("sms", "pls give it to ", N("Steve"), " at the bar"),
    ("whatsapp", "entregar a ", N("Rosa"), " en cocina, gracias"),
    ("email", "Regards,\n", N("Michael O'Brien"), "\nThe Dubliner Pub"),
    ("sms", "leave it with ", N("Jorge"), " if I'm not there"),
    ("sms", N("Maria"), " will sign for it"),
    ("email", "Attn: ", N("Susan Park"), ", Accounts Payable"),
    ("whatsapp", "gracias ", N("Ana"), "!! nos vemos el lunes"),
    ("sms", "it's ", N("Kevin"), " from Burger Barn, running late on payment sorry"),
    ("email", "Thank you,\n", N("Sarah")),
    ("whatsapp", "pregunta por ", N("doña Carmen"), " en la entrada"),
    ("sms", "- ", N("Pete")),
    ("email", "My manager ", N("Diego"), " approved the price change"),
    ("sms", "talk to ", N("Chris"), " about the credit"),
    ("whatsapp", "Un saludo,\n", N("Javier Ortega"), "\nBar Manolo"),
    ("sms", "Contact: ", N("Emily Zhang")),
    ("sms", "thx ", N("bob")),
    ("whatsapp", "habla ", N("Fernanda"), ", la encargada de compras"),
    ("email", "Mrs. ", N("Ortiz"), " will be receiving tomorrow"),
    ("sms", N("Jake"), " and ", N("Luis"), " are off today, leave it at the door"),
    # --- look-alikes: no PII at all
    ("sms", "PO 4500012345 for order #10293, 3 cs DY-1001 at $27.50"),
    ("whatsapp", "2 cs whole milk and 3 bags shredded mozz pls"),
    ("sms", "add 4 cs CH-2003 and 2 DY-1001-HG to order 10294"),
    ("email", "Invoice INV-2024-00123 shows $1,249.00 but we agreed $1,149.00"),
    ("sms", "tracking 1Z999AA10123456784 says delivered but we got nothing"),
    ("sms", "deliver 11/15 at 10:30, 16oz cups x 500"),
    ("whatsapp", "necesito 12 cajas para el 15/11/2024, pedido 4500012346"),
    ("sms", "#10 can tomatoes x 6, 2 cs 16oz deli cups"),
    ("email", "PO#4500098765 - please confirm delivery window 7-9am"),
    ("sms", "order number 2024111500123 still pending?"),
    ("whatsapp", "factura 20231115 pagada, ref 88213"),
    ("sms", "zip is 33131 for the delivery fee?"),
    ("email", "Our customer id is 100234567. Please apply the 5% discount."),
    ("sms", "FedEx tracking 7749 1234 5678"),
    ("sms", "USPS 9400 1000 0000 0000 0000 00 hasn't moved"),
    ("email", "UPC 012345678905 is scanning wrong at receiving"),
    ("whatsapp", "el código de barras 7501055300075 no coincide"),
    ("sms", "lot 240915-03 of the ricotta was sour"),
    ("sms", "24 ct straws, 3 cs 12oz lids, 1 cs 8x8 clamshells"),
    ("sms", "total should be $2,345.67 not $2,354.67"),
    ("whatsapp", "total $1.249.000 pesos, pedido 5567"),
    ("sms", "can we move delivery to 2024-11-20 between 10:00-12:00"),
    ("email", "Quote Q-77812 expires 12/31/2024"),
    ("sms", "5 cases Dr Pepper and 2 cs Sprite"),
    ("sms", "2 cs Jose Cuervo gold, 1 cs Don Julio blanco"),
    ("sms", "need 3 Monterey Jack blocks and 2 Swiss"),
    ("whatsapp", "10 cajas de Coca-Cola 600ml y 5 de Sidral Mundet"),
    ("sms", "customer # 0045123 - same as last week"),
    ("email", "acct 7700123456 shows a balance of $540.20"),
    ("sms", "ticket 84736291 about the broken pallet"),
    ("sms", "1.5 lb bags x 40, 25 lb rice x 2"),
    ("whatsapp", "pedido #A-2034: 4 cajas Corona 355ml, 2 cajas Modelo"),
    ("sms", "can i get 4 cs at 10:30 instead of 9:45"),
    ("email", "Credit memo CM-55021 for $87.40 - damaged case of eggs"),
    ("sms", "the 2 gal jugs x 6, 4/1 gal case x 3"),
    ("sms", "order 4111111111111112 ... sorry wrong paste, order 10299"),
    ("email", "Confirmation 5521 4478 9033 1204 received, thanks"),
    ("sms", "route 12 truck 305 was late again"),
    ("whatsapp", "el pedido 3001234567 llegó incompleto"),
    ("sms", "PO 7800123456 and PO 7800123457 can ship together"),
    ("email", "Model 3045-22-1189 fryer parts on backorder?"),
    ("sms", "version 2.3.1.4 of the app crashes on checkout"),
    ("sms", "Thanks again!"),
    ("whatsapp", "gracias, saludos!"),
    ("sms", "thanks so much, see you tuesday"),
    ("email", "Best,\nMario's Pizzeria"),
    ("sms", "this is Harbor Grill, 2 more cs lemons pls"),
    ("whatsapp", "Saludos, Taquería El Sol"),
    ("sms", "deliver to the back door pls, not the front"),
    ("sms", "ask for the manager at receiving"),
    ("sms", "2 cases Sam Adams, 3 Blue Moon"),
    ("email", "Main St location needs 4 cs, Elm St location 2 cs"),
    ("sms", "we need 12 cases by 5 pm"),
    ("sms", "put 3 cs on the 2nd truck"),
    ("whatsapp", "la calle está cerrada, entren por atrás"),
    ("sms", "store 0112 in Doral needs 40 lbs chicken"),
    ("sms", "qty 3055 of item 55501 is wrong, should be 305"),
    ("email", "Batch 20241115-07 expires 2025-01-15"),
    ("sms", "price went from 27.50 to 31.00, why?"),
    ("sms", "2x 5 lb, 3x 10 lb, 1x 50 lb"),
    ("whatsapp", "cotización 2024-0098 por $15,600.00 MXN"),
    ("sms", "invoice 9876543210 paid by check 4521"),
    ("email", "our account number with you is 00231455"),
    ("sms", "delivery for 7/4 weekend: 10 cs hot dog buns"),
    ("sms", "Order # 55512340 - need it asap"),
    ("whatsapp", "ref 612345678 del pedido anterior"),
    ("email", "SKU 100-4432-7 and 100-4432-8 are both out"),
    ("sms", "temp log: walk-in 36.5F at 06:00, 37.1F at 14:00"),
    ("sms", "need 1 cs 6/#10 crushed tomatoes, 2 cs 12/32oz mayo"),
    ("email", "AWB 176-12345675 for the imported cheese"),
    ("sms", "confirmation 4532015112830360 for the catering order"),
    # --- added while probing: formats and look-alikes found along the way
    ("email", "Hi ", N("Maria"), ",\ncan you add 2 cs of heavy cream to tomorrow's order?"),
    ("email", "Dear Mr. ", N("Whitfield"), ",\nplease find PO 4500012399 attached."),
    ("sms", "call me at ", P("555-0143"), " when the truck is close"),
    ("sms", "numbers: ", P("305-555-0143"), "/", P("305-555-0144"), " either works"),
    ("email", "refund to iban ", I(iban("DE", "370400440532013000").lower()), " pls"),
    ("whatsapp", "Sucursal nueva en ", A("Av. 5 de Mayo 123"), ", Centro"),
    ("whatsapp", "entregar en ", A("Calle 10 Sur #45-20"), ", Medellín"),
    ("whatsapp", "para la sucursal Plaza Norte 2 cajas más de leche"),
    ("sms", "call Sysco about the truck, they never showed"),
    ("sms", "this is Urgent, need milk before lunch"),
    ("whatsapp", "Saludos cordiales, ", N("Ana María López")),
    ("email", "Deliver Thursday's order to ", N("Sarah"), " at the front desk"),
    ("sms", "the delivery is for Chef ", N("Ramsay"), ", he is picky about the lettuce"),
    ("sms", "send the invoice to Accounting, not to me"),
    ("sms", "pedido 55 1234 5678 no ha llegado"),
    ("sms", "ref no 3055550143 from last week's credit"),
    ("email", "Table 12 needs 3 more chairs for the event on 12/14"),
    ("sms", "item 4242424242424242 scanned wrong at receiving"),
    ("sms", "cheque 000123, account 0012345678, routing 021000021"),
    ("email", "BIC DEUTDEFF, but the IBAN you have is old"),
    ("sms", "Re: Order 12345 - call me ", P("305 555 0143")),
    ("email", "please reply to <", E("mike@tonysdeli.com"), ">"),
    ("sms", "gift card ", C("6011 1111 1111 1117"), " has $50 left"),
    ("sms", "call ", P("1-800-555-0199"), " for the service desk"),
    ("whatsapp", "mi cel ", P("044 55 1234 5678"), " por si no encuentra"),
    ("sms", "ok gracias ", N("maria")),
    ("sms", "my wife ", N("Ana"), " will pick up the order"),
    ("sms", "version 2.3.1.4 of the ordering app crashes"),
]


def build() -> list[dict[str, object]]:
    """All corpus messages with ids p-001, p-002, ..."""
    return [msg(f"p-{i:03d}", *spec) for i, spec in enumerate(MESSAGES, start=1)]  # type: ignore[arg-type]


if __name__ == "__main__":
    messages = build()
    write(messages, OUT)
    print(f"{len(messages)} messages, "
          f"{sum(len(m['entities']) for m in messages)} entities -> {OUT}")  # type: ignore[arg-type]
