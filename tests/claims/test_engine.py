"""One table per rule family: (sentence, published, expected stance per claim).
A claim missing from `expect` must get no evidence."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import FrozenInstanceError, fields, replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.engine import Engine
from truce.config import load_lexicon, load_story
from truce.labelled import load_labelled
from truce.records import Article, Evidence

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "data" / "labelled"


def article(
    text: str,
    published: str = "2025-03-25T09:00:00Z",
    outlet: str = "Wire",
    tier: str = "wire",
    affiliation: str | None = None,
) -> Article:
    title, _, summary = text.partition("\n")
    return Article(
        id="a1",
        feed_id="f",
        outlet=outlet,
        tier=tier,
        affiliation=affiliation,  # type: ignore[arg-type]
        url="https://example.org/a1",
        title=title,
        summary=summary,
        published=published,
        seen=published,
    )


def stances(engine: Engine, a: Article) -> dict[str, tuple[str, bool]]:
    return {e.claim_id: (e.stance, e.alleged) for e in engine.assess(a).evidence}


BREACHES = [
    # the deal not kept, said after it ran out: the attacks told were made while it held
    (
        "He said Ukraine had not complied with the moratorium, striking Russian energy "
        "facilities almost daily.",
        "2025-04-17T10:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "The Kiev regime continues to ignore the moratorium on strikes on energy facilities, "
        "Balitsky said.",
        "2025-03-22T10:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # "a provocation by attacking": the means, so the attack was made; "Ukrainian energy
    # infrastructure and accused": whose, not a speaker
    (
        "The Kremlin said Russia had carried out Putin's order to stop striking Ukrainian energy "
        "infrastructure and accused Kyiv of a provocation by attacking an oil depot in southern "
        "Russia.",
        "2025-03-19T12:40:00Z",
        {"ukraine-reciprocity": ("breach", True), "energy-halt": ("confirms", False)},
    ),
    # a target listed past an item that is none; "AFU military airfields": whose airfields
    (
        "Russian aircraft and drones struck the infrastructure of military airfields, workshops "
        "assembling unmanned boats and an energy facility in the Dnipropetrovsk region, the "
        "Russian Defense Ministry said.",
        "2025-04-10T15:20:00Z",
        {"energy-halt": ("breach", False)},
    ),
    (
        "MoD summary: strikes on AFU military airfields, drone workshops and an energy facility",
        "2025-04-10T15:20:00Z",
        {"ukraine-reciprocity": None},
    ),
    # the deal named again after a sentence named it
    (
        "Now that the moratorium on energy strikes has ended, energy facilities will again be "
        "targets, Kartapolov said.\nHe said Russia had spent a month showing goodwill while Kiev "
        "ignored the agreement.",
        "2025-04-17T16:40:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # "blamed on Russia": who struck, not where; a reporter's own eyes
    (
        "A Reuters reporter saw smoke rising from a damaged electrical substation in Mykolaiv "
        "after an overnight drone attack that local officials blamed on Russia.",
        "2025-03-29T09:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    # whose the target is: "used by", not struck by
    (
        "Ukrainian forces struck a fuel depot used by Russia's 8th Army in occupied Donetsk "
        "Oblast, the General Staff said.",
        "2025-04-12T13:00:00Z",
        {"ukraine-reciprocity": ("breach", False)},
    ),
    # Russian strikes on Ukrainian energy, with attribution deciding `alleged`
    (
        "Russian drones hit a substation in Kherson overnight, Ukraine's energy ministry said.",
        "2025-03-26T07:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    (
        "Ukrenergo said a Russian missile strike damaged a thermal power plant in Kharkiv region.",
        "2025-03-27T07:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    # the operator named once, then "it": its own report
    (
        "Naftogaz posts output drop, says Poltava sites hit again\nIt said Russian drones had "
        "struck its gas production facilities in Poltava region overnight.",
        "2025-04-02T07:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    # the operator heading its report; an AP reporter who visited; the IAEA's own finding
    (
        "Rosseti Centre: 110 kV line cut in Bryansk region after UAV attack",
        "2025-04-02T07:00:00Z",
        {"ukraine-reciprocity": ("breach", False)},
    ),
    (
        "An AP reporter who visited the substation in Kherson saw burned-out transformers, damage "
        "that workers said came from a Russian drone attack.",
        "2025-04-02T07:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    # a wire's "could not be independently verified" leaves it one side's word
    (
        "Russian drones hit a substation in Kharkiv region, the governor said; the report could "
        "not be independently verified.",
        "2025-03-25T07:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # the attacker's admission
    (
        "Russia's defence ministry admitted a strike on gas facilities in Poltava region.",
        "2025-04-02T07:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    (
        "Zelensky accused Moscow of violating the energy truce with strikes on power lines in Sumy.",
        "2025-03-22T07:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # Ukrainian strikes on Russian-held energy targets
    (
        "Russia's defence ministry said Ukrainian drones attacked an oil depot in Krasnodar region.",
        "2025-03-19T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "A gas metering station in Sudzha, Kursk region, was blown up, Moscow claimed.",
        "2025-03-21T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Ukrainian drones struck a substation in occupied Crimea, Russian-installed officials said.",
        "2025-03-29T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # each attack in a sentence has its own clause's attacker and ground
    (
        "Moscow said its forces kept to the order not to hit Ukrainian power plants, while Kyiv "
        "went on attacking Russian oil refineries.",
        "2025-03-28T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Kyiv's drones struck a fuel depot in Russia's Belgorod region, while Russian missiles "
        "damaged a power station in Odesa, officials on both sides said.",
        "2025-04-02T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True), "energy-halt": ("breach", True)},
    ),
    # a city that is also a side's name: "Kyiv's strikes" are Ukraine's, not strikes on Kyiv
    (
        "Moscow said the list of Kyiv's strikes on Russian energy facilities grew this week.",
        "2025-04-04T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # an operator named as hit is an energy target; its own report is not one side's word
    (
        "A Russian drone damaged one of Chernihivoblenergo's facilities overnight, the company said.",
        "2025-04-03T07:00:00Z",
        {"energy-halt": ("breach", False)},
    ),
    # attacks that did not stop; a strike placed in the window by "during the pause"
    (
        "Peskov said Ukraine had not stopped its attacks on Russian energy facilities.",
        "2025-03-30T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Ukraine's energy minister said Russia hit power facilities 40 times during the 30-day "
        "moratorium.",
        "2025-04-28T12:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # a violation of the deal, told the day after it ran out, happened while it held
    (
        "Peskov said Russia had complied with the energy moratorium while Ukraine had violated "
        "it dozens of times.",
        "2025-04-17T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # strikes counted over the deal's days, told after it ended
    (
        "Over the 30 days of the energy moratorium, Russia struck Ukrainian energy facilities "
        "about 30 times, Zelensky said.",
        "2025-04-18T12:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # "that month": the deal's, named in the sentence before
    (
        "Three months ago Russia agreed to a 30-day halt on energy strikes.\nDuring that month, "
        "Kyiv said, Russian drones hit its energy facilities more than 30 times.",
        "2025-06-18T10:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # the attacker's own word; "a depot of Russian forces" names whose depot, not who struck
    (
        "Defence Forces hit a fuel depot of Russian occupation forces near Dovzhansk, the General "
        "Staff said.",
        "2025-04-08T09:00:00Z",
        {"ukraine-reciprocity": ("breach", False)},
    ),
    # a promise kept by one side and not the other names the deal itself
    (
        "Ukraine has kept the promise on energy, Russia has not, Zelensky said.",
        "2025-04-02T09:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    (
        "The Russian side observed the moratorium on energy strikes, unlike Kiev, Peskov said.",
        "2025-04-02T09:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Russia is strictly observing the energy moratorium, while the Ukrainian side 'continues "
        "to attack almost every day', Peskov said.",
        "2025-04-02T09:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # a subject of both sides, or a violation by both: each side breached; blaming each
    # other is each side's word
    (
        "Rubio said that both Russia and Ukraine had probably struck energy facilities since "
        "agreeing to the moratorium.",
        "2025-04-04T12:00:00Z",
        {"energy-halt": ("breach", True), "ukraine-reciprocity": ("breach", True)},
    ),
    (
        "The energy ceasefire appears to have been violated by both Russia and Ukraine, Rubio said.",
        "2025-04-04T12:00:00Z",
        {"energy-halt": ("breach", True), "ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Ukrainian drone attacks on refineries have not stopped, the defence ministry said.",
        "2025-03-29T07:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    (
        "Russia and Ukraine on Tuesday again accused each other of striking energy facilities.",
        "2025-04-01T07:00:00Z",
        {"energy-halt": ("breach", True), "ukraine-reciprocity": ("breach", True)},
    ),
    # "it": the deal named in the sentence before
    (
        "The energy moratorium has run its course, Peskov said.\nKyiv had violated it almost "
        "daily, he said.",
        "2025-04-17T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # "hours after the Putin-Trump call": the night after the deal, whenever reported
    (
        "Russia says Ukrainian drones set the oil depot in Kavkazskaya on fire hours after the "
        "Putin-Trump call.",
        "2025-03-24T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # a count is the counting side's word
    (
        "Kyiv counted about 30 Russian attacks on its power facilities during the moratorium.",
        "2025-04-10T12:00:00Z",
        {"energy-halt": ("breach", True)},
    ),
    # each clause its own ground: "its" is Kyiv's, not the Sudzha named in the next clause
    (
        "Kyiv counted about 30 Russian attacks on its power and gas facilities during the "
        "moratorium; Moscow listed more than 100 Ukrainian attacks, among them the Sudzha gas "
        "metering station.",
        "2025-04-10T12:00:00Z",
        {"energy-halt": ("breach", True), "ukraine-reciprocity": ("breach", True)},
    ),
    # a look back: "throughout it" is the deal's own month
    (
        "Putin said Russia had honoured the spring moratorium on energy strikes while Ukraine had "
        "struck Russian energy facilities throughout it.",
        "2025-06-20T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True)},
    ),
    # a relative clause: who struck is the name before "which", not the forces named earlier
    (
        "Peskov said the Russian armed forces had observed it despite the provocations of the "
        '"Kyiv regime", which he said had repeatedly attacked Russian energy facilities.',
        "2025-04-10T12:00:00Z",
        {"ukraine-reciprocity": ("breach", True), "energy-halt": ("confirms", False)},
    ),
]

NOT_BREACHES = [
    # called off: none took place
    (
        "After the order was received, strikes on energy infrastructure planned for the night "
        "were called off, the Russian Defence Ministry said.",
        "2025-03-19T07:00:00Z",
    ),
    # "not a single facility hit", an intent, long ago, or since the pause expired
    (
        "Not a single Ukrainian energy facility was hit this week, the MoD said.",
        "2025-03-30T07:00:00Z",
    ),
    ("Kyiv will not stop hitting Russian refineries, an adviser said.", "2025-03-20T07:00:00Z"),
    # attacks that stopped; sides that hold off from hitting
    (
        "Refining outages eased as Ukrainian drone attacks on refineries stopped after March 18.",
        "2025-03-29T07:00:00Z",
    ),
    (
        "Putin backed a narrower step: the two sides holding off from hitting each other's energy "
        "facilities for 30 days.",
        "2025-03-18T18:00:00Z",
    ),
    (
        "Russia is amassing missiles to strike Ukraine's energy system once the moratorium ends, "
        "Zelensky said.",
        "2025-04-15T07:00:00Z",
    ),
    (
        "Russian missiles hit the Kharkiv power plant in 2022, destroying it.",
        "2025-03-28T07:00:00Z",
    ),
    (
        "Ukraine's drones have set Russian refineries ablaze for more than a year.",
        "2025-03-19T07:00:00Z",
    ),
    (
        "Russian drones hit a Naftogaz gas site, the heaviest strike since the moratorium expired.",
        "2025-04-22T07:00:00Z",
    ),
    # negation, denial and halts are not events
    (
        "No attacks on energy facilities were recorded overnight, the air force said.",
        "2025-03-24T07:00:00Z",
    ),
    ("The Kremlin denied striking Ukrainian energy infrastructure.", "2025-03-24T07:00:00Z"),
    ("Putin agreed to halt strikes on energy infrastructure for 30 days.", "2025-03-19T07:00:00Z"),
    # after the window, before the deal, or not an energy target
    (
        "Russian drones hit a substation in Kherson overnight, officials said.",
        "2025-04-25T07:00:00Z",
    ),
    (
        "Russian drones hit a substation in Kherson overnight, officials said.",
        "2025-03-10T07:00:00Z",
    ),
    (
        "A Russian missile hit an apartment block in Kryvyi Rih, killing 20 people.",
        "2025-04-05T07:00:00Z",
    ),
    # a kind of weapon, not an event
    (
        "Russian air defences shot down three of their own attack drones heading for Ukrainian "
        "power plants.",
        "2025-03-19T07:00:00Z",
    ),
    # the promise kept, and the other side's attacks on what it does not cover
    (
        "Russia is strictly observing the energy moratorium, while Kyiv keeps shelling homes in "
        "Belgorod, Peskov said.",
        "2025-04-02T09:00:00Z",
    ),
    # another story entirely
    (
        "Israeli strikes on Gaza hit a power station as the ceasefire collapsed.",
        "2025-03-19T07:00:00Z",
    ),
    ("Oil prices rose as traders weighed the energy truce talks.", "2025-03-25T07:00:00Z"),
    # both sides' ground hit, no attacker named: nobody can be inferred
    (
        "The Bryansk and Belgorod regions and the Zaporizhzhia region were hit, the ministry "
        "said, listing power lines and substations.",
        "2025-04-05T14:30:00Z",
    ),
    # "since the moratorium ... lapsed": after it, not during it
    (
        "Ukraine has resumed strikes on Russian refineries since the energy moratorium brokered "
        "by the U.S. lapsed in April.",
        "2025-06-10T07:30:00Z",
    ),
    # an attack the sentence dates after the deal ran out keeps its day
    (
        "Ukraine's foreign ministry said a Russian drone strike on a substation in Odesa "
        "overnight broke the energy ceasefire.",
        "2025-04-20T12:00:00Z",
    ),
]


@pytest.mark.parametrize(("text", "published", "expect"), BREACHES)
def test_breach_rules(
    engine: Engine, text: str, published: str, expect: dict[str, tuple[str, bool]]
) -> None:
    found = stances(engine, article(text, published))
    for claim_id, value in expect.items():
        assert found.get(claim_id) == value, found


@pytest.mark.parametrize(("text", "published"), NOT_BREACHES)
def test_not_breaches(engine: Engine, text: str, published: str) -> None:
    found = stances(engine, article(text, published))
    assert not any(stance == "breach" for stance, _ in found.values()), found


def test_a_look_back_tells_of_its_own_time(engine: Engine) -> None:
    text = (
        "A year after Trypillia: how Kyiv's largest power plant was destroyed\n"
        "On April 11, 2024, Russian missiles destroyed the Trypillia power plant. Centrenergo lost "
        "all of its generating capacity within weeks as Russia hit Zmiiv too."
    )
    assert engine.assess(article(text, "2025-04-11T08:00:00Z")).evidence == ()
    # unless it tells of something since
    news = text + " Russian drones hit a substation in Kharkiv overnight."
    assert stances(engine, article(news, "2025-04-11T08:00:00Z"))["energy-halt"][0] == "breach"


def test_a_day_weeks_ahead_is_to_come(engine: Engine) -> None:
    text = (
        "Halushchenko: by Ukraine's count energy truce runs until 24 April\n"
        "Russia has struck energy sites in Kherson and Sumy oblasts since then, he said."
    )
    assert stances(engine, article(text, "2025-04-11T07:00:00Z"))["energy-halt"][0] == "breach"


def test_before_the_deal_nothing_counts(engine: Engine) -> None:
    text = "Putin agreed to halt strikes on energy infrastructure for 30 days, the Kremlin said."
    assert stances(engine, article(text, "2025-03-12T07:00:00Z")) == {}
    # the morning of the deal's day, before the call ended (claims.yaml deal_at)
    strike = "Russian drones hit a substation in Odesa region overnight, officials said."
    assert stances(engine, article(strike, "2025-03-18T09:00:00Z")) == {}
    assert stances(engine, article(strike, "2025-03-19T09:00:00Z"))["energy-halt"][0] == "breach"


OFF_TOPIC = [
    "Gaza ceasefire collapses\nIsrael resumed strikes on Gaza, Hamas said, killing hundreds.",
    # a mediator's name alone does not make another war this story
    "Trump warns Iran of bombing\nThe U.S. president threatened strikes on Iranian nuclear sites.",
    "Iraq protests\nProtesters attacked the U.S. embassy in Baghdad, Washington said.",
    "North Korea is no longer bound by its nuclear test moratorium, Kim says.",
    "Putin thanks Trump\nA U.S. tip helped Russia thwart a terrorist attack, the Kremlin said.",
    # a moratorium of another kind
    "Ukraine's energy regulator extended the moratorium on disconnecting households for unpaid "
    "bills until the end of the month.",
]


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_items_yield_nothing(engine: Engine, text: str) -> None:
    assert stances(engine, article(text, "2025-03-19T07:00:00Z")) == {}


def test_a_round_up_is_judged_by_most_of_its_sentences(engine: Engine) -> None:
    # two sentences name this story once each, one names another three times
    ours = (
        "Drones hit a substation in Odesa region overnight. Ukrenergo said repairs were under way."
    )
    gaza = "Separately, Israel and Hamas traded accusations over the Gaza ceasefire."
    assert stances(engine, article(f"World news\n{ours} {gaza}"))["energy-halt"][0] == "breach"
    # the other way round: a Gaza story that mentions this one in passing
    elsewhere = f"Gaza truce frays\n{gaza} Israel struck Rafah, Hamas said. {ours}"
    assert stances(engine, article(elsewhere)) == {}


def test_the_deal_once_named_is_named_again_by_the_pause(engine: Engine) -> None:
    text = (
        "Kremlin details energy truce\nThe energy truce covers refineries and power plants. "
        "The truce runs for 30 days from 18 March. Peskov said Russia continues to respect the "
        "pause."
    )
    found = stances(engine, article(text))
    assert found["window-30d"][0] == found["energy-halt"][0] == "confirms"
    # "the pause" alone names nothing
    alone = "Peskov said Russia continues to respect the pause, which runs for 30 days."
    assert stances(engine, article(alone)) == {}


def test_a_mediator_speaking_of_the_deal_is_on_topic(engine: Engine) -> None:
    text = "The White House said both leaders agreed to an energy and infrastructure ceasefire."
    assert stances(engine, article(text, "2025-03-19T07:00:00Z"))


STATEMENTS = [
    # "the order of President Putin to ... remains in force", the Kremlin says: Putin agreed
    (
        "The order of President Vladimir Putin to refrain from strikes on Ukrainian energy "
        "infrastructure remains in force, Kremlin spokesman Dmitry Peskov told reporters.",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms"},
    ),
    # signing on, being on board, joining the pause, giving one's word: agreeing
    (
        "Witkoff said Moscow and Kyiv had both signed on to an energy ceasefire.",
        {"energy-halt": "confirms", "ukraine-reciprocity": "confirms"},
    ),
    ("Trump says Kyiv on board with energy halt", {"ukraine-reciprocity": "confirms"}),
    # a broader truce refused is the other proposal; one the deal leads toward is no refusal
    (
        "Putin agrees to pause strikes on Ukraine energy grid, rejects broader truce",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms"},
    ),
    (
        "Leavitt said Putin had agreed to an 'energy and infrastructure ceasefire', calling it a "
        "first step toward a broader truce.",
        {"energy-halt": "confirms"},
    ),
    # no subject named: whose targets a threat speaks of tells who would strike them
    (
        "Drone commander: units will keep hitting Russian refineries, moratorium or no moratorium",
        {"ukraine-reciprocity": "contradicts"},
    ),
    # "kept its word" is the deal's promise, once an earlier sentence named the deal
    (
        "Lavrov said Ukraine had struck Russian energy sites daily since the moratorium began, "
        "as Moscow said.\nRussia, he said, had \u201cscrupulously\u201d kept its word.",
        {"energy-halt": "confirms", "ukraine-reciprocity": "breach"},
    ),
    (
        "Ukraine has not once struck Russian energy infrastructure since it joined the "
        "moratorium, Sybiha said.",
        {"ukraine-reciprocity": "confirms"},
    ),
    ("Kyiv refused to join the energy moratorium.", {"ukraine-reciprocity": "contradicts"}),
    (
        "The Kremlin said Putin agreed to halt attacks on energy infrastructure for 30 days.",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms", "window-30d": "confirms"},
    ),
    # "the Kremlin confirmed" is the Kremlin's or Putin's word, not a ministry's nor "Russia"'s
    (
        "The Russian president ordered the army to stop strikes on energy infrastructure.",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms"},
    ),
    (
        "The Russian defence ministry said Putin had ordered a halt to strikes on energy sites.",
        {"energy-halt": "confirms"},
    ),
    (
        "Peskov rejected the reports, saying the Russian military was observing the moratorium on "
        "energy strikes ordered by Putin.",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms"},
    ),
    (
        "Russia agreed to halt strikes on energy infrastructure for 30 days.",
        {"energy-halt": "confirms", "window-30d": "confirms"},
    ),
    # stopping or refraining from strikes names the deal as "a halt" does
    (
        "Putin agreed to stop attacking Ukraine's energy infrastructure for 30 days.",
        {"energy-halt": "confirms", "window-30d": "confirms", "kremlin-confirmed": "confirms"},
    ),
    (
        "Zelensky said Ukraine would support a halt to strikes on energy infrastructure.",
        {"ukraine-reciprocity": "confirms"},
    ),
    ("Zelensky said Kyiv was open to the idea of an energy truce but needed details.", {}),
    # the deal said to hold confirms each side's promise; not held, or asked, it confirms none
    (
        "Kellogg said the halt on strikes against energy infrastructure 'has largely held' on "
        "both sides.",
        {"energy-halt": "confirms", "ukraine-reciprocity": "confirms"},
    ),
    ("The energy moratorium has not held, Zelensky said.", {}),
    ("Analysts said it was difficult to judge whether the moratorium was holding.", {}),
    # asked or expected, not said
    ("Will Ukraine stop hitting Russian energy facilities?", {}),
    ("Bankova was silent on whether Ukraine will halt strikes on Russian energy facilities.", {}),
    (
        "Peskov had no word on whether the Kiev regime intends to reciprocate and refrain from "
        "strikes on Russian energy facilities.",
        {},
    ),
    ("EU diplomats said they expected Ukraine to observe the pause on energy strikes.", {}),
    # the committed side has not struck what it promised to spare
    (
        "Ukraine's forces had not carried out any strikes on Russian energy facilities since the "
        "moratorium was agreed, the General Staff said.",
        {"ukraine-reciprocity": "confirms"},
    ),
    ("Ukraine has not struck homes in Belgorod, Zelensky said.", {}),
    # a hedge that takes the promise back later in the sentence, unless someone else hedges
    (
        "Ukraine would support a halt to strikes on energy, he said, but 'first we need to see "
        "the details'.",
        {},
    ),
    (
        "Zelensky said Ukraine agreed to halt strikes on energy facilities, but Russia had yet to "
        "confirm the list.",
        {"ukraine-reciprocity": "confirms"},
    ),
    (
        "Putin rejected a full 30-day ceasefire, agreeing only to spare energy facilities.",
        {"full-ceasefire-rejected": "confirms"},
    ),
    (
        "Zelensky said the energy moratorium should count from March 25, not March 18.",
        {"window-30d": "contradicts"},
    ),
    (
        "The Kremlin published a list of facilities covered by the moratorium: oil refineries, "
        "pipelines, power plants, substations and nuclear plants.",
        {"scope-broad-infrastructure": "contradicts"},
    ),
    # the terms left open are no refusal of the promise
    (
        "Both Moscow and Kyiv now say they support a 30-day pause on strikes against energy "
        "infrastructure, but the two sides have not agreed on what it covers.",
        {"energy-halt": "confirms", "ukraine-reciprocity": "confirms"},
    ),
    (
        "Since the beginning of the moratorium, Russia has not carried out a single strike on the "
        "energy facilities of Ukraine, the ministry said.",
        {"energy-halt": "confirms"},
    ),
    # "Putin's order", once the deal was named, names it again
    (
        "Russia continues to adhere to the moratorium on energy strikes, Peskov said.\n"
        '"The president\'s order stands, our military is complying with it," Kremlin spokesman '
        "Dmitry Peskov told reporters.",
        {"energy-halt": "confirms", "kremlin-confirmed": "confirms"},
    ),
    # consent given or withheld
    (
        "Ukraine has not given its consent to any halt on strikes against Russian energy "
        "facilities, Podolyak said.",
        {"ukraine-reciprocity": "contradicts"},
    ),
    (
        "Zelensky gave his consent to halting strikes on Russian energy facilities on March 19.",
        {"ukraine-reciprocity": "confirms"},
    ),
    (
        "Ukraine's drone forces have received no order to stop strikes on Russian refineries, a "
        "spokesman said.",
        {"ukraine-reciprocity": "contradicts"},
    ),
    # a full ceasefire as the condition of the refusal, not its object
    (
        "A drone unit commander said Ukrainian forces would keep hitting Russian refineries "
        "until the Kremlin agrees to a full ceasefire.",
        {"ukraine-reciprocity": "contradicts"},
    ),
    ("Ukraine agreed to a full ceasefire, including on energy strikes, Zelensky said.", {}),
]


@pytest.mark.parametrize(("text", "expect"), STATEMENTS)
def test_statement_rules(engine: Engine, text: str, expect: dict[str, str]) -> None:
    found = {k: v[0] for k, v in stances(engine, article(text)).items()}
    for claim_id, stance in expect.items():
        assert found.get(claim_id) == stance, found
    for claim_id in ("energy-halt", "ukraine-reciprocity", "kremlin-confirmed"):
        if claim_id not in expect:
            assert found.get(claim_id) is None, found


def test_a_promise_is_judged_by_words_said_while_the_deal_runs(engine: Engine) -> None:
    kept = "Russia kept its commitment to the moratorium on energy strikes, Peskov said."
    found = stances(engine, article(kept, "2025-04-17T09:00:00Z"))
    assert found["energy-halt"][0] == found["kremlin-confirmed"][0] == "confirms"
    # said in May, it looks back (kremlin-confirmed: `while_deal_runs`); accusations about the
    # window stay
    looked_back = kept[:-1] + ", while Kyiv violated it daily."
    found = stances(engine, article(looked_back, "2025-05-02T09:00:00Z"))
    assert "energy-halt" not in found and "kremlin-confirmed" not in found
    assert found["ukraine-reciprocity"] == ("breach", True)


def test_the_party_saying_the_deal_ran_out_keeps_no_promise(engine: Engine) -> None:
    text = "The 30-day moratorium on energy strikes has expired, Peskov said."
    found = stances(engine, article(text, "2025-04-17T09:00:00Z"))
    assert "energy-halt" not in found
    assert found["window-30d"][0] == "confirms"
    # the deal said to be over, a participle in its words; an order negated from afar
    for text in (
        "The moratorium on energy strikes agreed in March has expired, Peskov said.",
        "Peskov said Putin has not given any new orders on strikes against energy facilities.",
        # nor is being free of it once its term ran out a promise taken back
        "The 30-day energy moratorium has expired, and Russia is no longer bound by it, Peskov said.",
    ):
        assert "energy-halt" not in stances(engine, article(text, "2025-04-17T09:00:00Z"))
    kept = "Russia honoured its pledge on energy strikes, Ushakov said as the term ran out."
    assert stances(engine, article(kept, "2025-04-17T09:00:00Z"))["energy-halt"][0] == "confirms"


def test_an_end_still_to_come_is_no_expiry(engine: Engine) -> None:
    lapsed = "Kyiv says the energy moratorium lapses today, the foreign ministry said."
    assert stances(engine, article(lapsed, "2025-04-16T09:00:00Z"))["window-30d"][0] == "confirms"
    to_come = "Officials fear strikes on refineries could resume once the energy moratorium lapses."
    assert "window-30d" not in stances(engine, article(to_come, "2025-04-16T09:00:00Z"))
    last = "This is the last day of the energy ceasefire, Ukrenergo said."
    assert stances(engine, article(last, "2025-04-16T09:00:00Z"))["window-30d"][0] == "confirms"
    assert "window-30d" not in stances(engine, article(last, "2025-03-30T09:00:00Z"))


def test_may_the_month_is_no_maybe(engine: Engine) -> None:
    strike = "Russian strikes on 11 May hit a substation in Kharkiv, officials said."
    found = stances(engine, article(strike, "2025-05-12T09:00:00Z"))
    assert found["military-ops-continue"] == ("confirms", False)
    talks = (
        "The Kremlin rejected European demands for an unconditional ceasefire after Putin "
        "proposed talks in Istanbul on May 15."
    )
    found = stances(engine, article(talks, "2025-05-11T09:00:00Z"))
    assert found["full-ceasefire-rejected"][0] == "confirms"


def test_us_names_the_mediator_only_where_it_cannot_be_the_pronoun(engine: Engine) -> None:
    mediator = engine.lex.parties["mediator"]
    for named in ("a us official said", "the us and russia", "the us-brokered pause"):
        assert mediator.search(named), named
    for pronoun in ("tell us what you saw", "let us say", "it is up to us"):
        assert not mediator.search(pronoun), pronoun


def _typographic(a: Article) -> Article:
    """Plain quotes made typographic, as most outlets print them ("Putin\u2019s order")."""

    def curly(text: str) -> str:
        text = re.sub(r"(^|[\s(\[])'", "\\1\u2018", text).replace("'", "\u2019")
        return re.sub(r'(^|[\s(\[])"', "\\1\u201c", text).replace('"', "\u201d")

    return replace(a, title=curly(a.title), summary=curly(a.summary))


def _wire_dateline(a: Article) -> Article:
    """A wire service's label on the headline and dateline before the summary: "UPDATE 2-..."
    and "KYIV, March 20 (Reuters) - "."""
    day = date.fromisoformat(a.published[:10])
    return replace(
        a,
        title=f"UPDATE 2-{a.title}",
        summary=f"KYIV, {day:%B} {day.day} (Reuters) - {a.summary}",
    )


def _rewrite(a: Article, words: dict[str, str]) -> Article:
    def rewritten(text: str) -> str:
        for plain, other in words.items():
            text = text.replace(plain, other)
        return text

    return replace(a, title=rewritten(a.title), summary=rewritten(a.summary))


# Russian-language outlets' spellings of Ukrainian places (TASS, RIA), and a number spelled out
_RUSSIAN_SPELLINGS = {
    "Zaporizhzhia": "Zaporozhye",
    "Kharkiv": "Kharkov",
    "Odesa": "Odessa",
    "Mykolaiv": "Nikolayev",
    "Dnipropetrovsk": "Dnepropetrovsk",
    "Luhansk": "Lugansk",
    "Chernihiv": "Chernigov",
    "Kyiv": "Kiev",
    "Lviv": "Lvov",
    "Enerhodar": "Energodar",
    "30-day": "thirty-day",
}
# what Russian media call Ukraine's forces
_PARTISAN_NAMES = {
    "Ukrainian forces": "the AFU",
    "Ukrainian drones": "AFU drones",
    "Ukrainian army": "Armed Forces of Ukraine",
}


def _russian_spellings(a: Article) -> Article:
    return _rewrite(a, _RUSSIAN_SPELLINGS)


def _partisan_names(a: Article) -> Article:
    return _rewrite(a, _PARTISAN_NAMES)


@pytest.mark.parametrize(
    "variant", [_typographic, _wire_dateline, _russian_spellings, _partisan_names]
)
def test_real_feeds_surface_reads_as_the_labelled_sets(
    engine: Engine, variant: Callable[[Article], Article]
) -> None:
    """The labelled sets write ' and ", no datelines, Ukrainian spellings and neutral names; real
    feeds print typographic quotes, wire datelines, Russian spellings and each side's names for
    the other's forces. Every labelled item must be read the same either way."""
    items = [
        i.article for name in ("tune", "test") for i in load_labelled(LABELLED / f"{name}.jsonl")
    ]
    changed = [a.title for a in items if stances(engine, variant(a)) != stances(engine, a)]
    assert changed == []


def test_evidence_carries_quote_offsets_rule_and_confidence(engine: Engine) -> None:
    a = article(
        "Energy truce under strain\nNothing happened early on. Russian drones hit a "
        "substation in Kherson overnight, the regional governor said.",
        "2025-03-26T07:00:00Z",
    )
    (breach,) = [e for e in engine.assess(a).evidence if e.claim_id == "energy-halt"]
    assert a.text[breach.start : breach.end] == breach.quote
    assert "substation" in breach.quote
    assert breach.rule.startswith("breach.")
    assert 0 < breach.confidence <= 1
    assert breach.event_date == "2025-03-26"
    assert breach.place == "Kherson" and breach.actor == "russia"


def test_event_date_moves_with_weekday(engine: Engine) -> None:
    a = article(
        "Russian drones hit a power plant in Odesa on Monday, officials said.",
        "2025-03-27T07:00:00Z",
    )  # a Thursday
    (breach,) = [e for e in engine.assess(a).evidence if e.claim_id == "energy-halt"]
    assert breach.event_date == "2025-03-24"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["2025-03-10", "2025-03-20", "2025-05-01"]))
def test_random_text_never_raises(engine: Engine, text: str, day: str) -> None:
    for e in engine.assess(article(text, f"{day}T08:00:00Z")).evidence:
        assert 0 <= e.start <= e.end


WORDS = [
    "Russian",
    "Ukrainian",
    "drones",
    "hit",
    "struck",
    "a",
    "substation",
    "in",
    "Kherson",
    "Kursk",
    "no",
    "denied",
    "said",
    "Kremlin",
    "Zelensky",
    "moratorium",
    "30",
    "days",
    ",",
    ".",
    "oil",
    "depot",
    "power",
    "plant",
    "energy",
    "agreed",
    "to",
    "halt",
    "strikes",
    "on",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_story_words_in_any_order_never_raise(engine: Engine, words: list[str]) -> None:
    engine.assess(article(" ".join(words), "2025-03-25T08:00:00Z"))


def test_second_story_needs_only_a_folder(tmp_path: Path) -> None:
    """A new story is a new folder with a claims.yaml: no code changes."""
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds" / "lexicons", folder / "lexicons")
    (folder / "black-sea-2025").mkdir()
    (folder / "black-sea-2025" / "claims.yaml").write_text(
        """
story: black-sea-2025
title: Black Sea navigation deal
deal_date: 2025-03-25
window: {start: 2025-03-25, days: 30}
parties:
  russia: {name: Russia, territory: russia, aliases: [Russia, Russian, Moscow, Kremlin]}
  ukraine: {name: Ukraine, territory: ukraine, aliases: [Ukraine, Ukrainian, Kyiv, Zelensky]}
claims:
  - id: no-port-strikes
    kind: commitment
    text: Russia does not strike Ukrainian ports.
    party: russia
    targets: [civilian]
    territory: [ukraine]
  - id: deal-confirmed
    kind: fact
    text: Both sides confirmed the Black Sea deal.
    speakers: [russia, ukraine]
    topic: ['Black Sea']
    confirm: ['confirmed', 'agreed']
""",
        encoding="utf-8",
    )
    path = str(folder / "black-sea-2025")
    story = load_story(path)
    lexicon, gazetteer = load_lexicon(path)
    engine = Engine(story, lexicon, gazetteer)
    found = stances(
        engine,
        article(
            "Russian drones hit the port of Odesa overnight, Kyiv said.", "2025-03-30T07:00:00Z"
        ),
    )
    assert found["no-port-strikes"] == ("breach", True)
    found = stances(
        engine, article("The Kremlin confirmed the Black Sea deal.", "2025-03-26T07:00:00Z")
    )
    assert found["deal-confirmed"][0] == "confirms"


PHRASINGS = [
    line.split(" || ", 1)
    for line in (ROOT / "tests/data/engine/phrasings.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.mark.parametrize(("claim_stance", "sentence"), PHRASINGS)
def test_phrasings(engine: Engine, claim_stance: str, sentence: str) -> None:
    claim_id, stance = claim_stance.split(":")
    found = {
        e.claim_id: e.stance
        for e in engine.assess(article(sentence, "2025-03-27T09:00:00Z")).evidence
    }
    assert found.get(claim_id) == (None if stance == "none" else stance), found


def test_extension_carries_the_new_end(engine: Engine) -> None:
    a = article(
        "Russia and Ukraine extended the energy moratorium by another 30 days, the Kremlin said.",
        "2025-04-15T09:00:00Z",
    )
    (window,) = [e for e in engine.assess(a).evidence if e.claim_id == "window-30d"]
    assert (window.stance, window.rule, window.event_date, window.actor) == (
        "contradicts",
        "window.extension",
        "2025-05-17",
        "russia",
    )


def test_evidence_of_is_the_record_the_constructor_builds(engine: Engine) -> None:
    a = article("Russian drones hit a power substation in Kharkiv overnight, Ukrenergo said.")
    (first, *_rest) = engine.assess(a).evidence
    values = {f.name: getattr(first, f.name) for f in fields(Evidence)}
    built = Evidence(**values)
    assert Evidence.of(**values) == built
    assert hash(Evidence.of(**values)) == hash(built)
    assert vars(Evidence.of(**values)) == vars(built)
    with pytest.raises(FrozenInstanceError):
        Evidence.of(**values).stance = "confirms"  # type: ignore[misc]
    with pytest.raises(TypeError, match="url"):
        Evidence.of(**{k: v for k, v in values.items() if k != "url"})
