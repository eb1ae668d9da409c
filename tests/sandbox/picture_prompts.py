"""Prompts for the image stand-in's subject picking: which emoji should be the picture's main subject.

HELD_OUT_* were written for issue 23 before the subject picker existed and are never tuned on: they only measure.
TUNING_* are the prompts the picker was developed against (the notebooks' own prompts among them). Each prompt lists
the emoji that count as the right main subject (an empty set: nothing should be drawn, the scene alone).

Run ``.venv/bin/python -m tests.sandbox.picture_prompts`` for the figures of the current picker.
"""

from __future__ import annotations

CAT = frozenset({"🐈", "🐱"})
DOG = frozenset({"🐕", "🐶", "🦮"})
CAR = frozenset({"🚗", "🏎"})
ASTRONAUT = frozenset({"🧑\u200d🚀", "👨\u200d🚀", "👩\u200d🚀"})
DRAGON = frozenset({"🐉", "🐲"})
SNOWMAN = frozenset({"⛄", "☃"})
WHALE = frozenset({"🐋", "🐳"})
SUNFLOWER = frozenset({"🌻", "💐"})
RABBIT = frozenset({"🐇", "🐰"})
BEAR = frozenset({"🐻"})


def one(*emoji: str) -> frozenset[str]:
    return frozenset(emoji)


HELD_OUT_EN: tuple[tuple[str, frozenset[str]], ...] = (
    ("A fluffy orange cat sleeping on a windowsill", CAT),
    ("Two penguins standing on an iceberg at sunset", one("🐧")),
    ("A red sports car parked in a city street at night", CAR),
    ("A bowl of ramen with chopsticks", one("🍜")),
    ("An astronaut floating above the Earth", ASTRONAUT),
    ("A golden retriever puppy playing in the snow", DOG),
    ("A sailboat on a calm lake at dawn", one("⛵")),
    ("A steam locomotive crossing a bridge in the mountains", one("🚂")),
    ("A slice of pepperoni pizza", one("🍕")),
    ("An owl perched on a branch in a dark forest", one("🦉")),
    ("A dolphin jumping out of the ocean waves", one("🐬")),
    ("A bouquet of sunflowers in a vase", SUNFLOWER),
    ("A friendly robot waving hello", one("🤖")),
    ("Three strawberries on a white plate", one("🍓")),
    ("A dragon breathing fire over a castle", DRAGON),
    ("A panda eating bamboo", one("🐼")),
    ("A vintage bicycle leaning against a brick wall", one("🚲")),
    ("A cup of hot coffee on a rainy morning", one("☕")),
    ("A snowman with a carrot nose", SNOWMAN),
    ("A giraffe in the savanna at sunset", one("🦒")),
    ("A rocket launching into a starry sky", one("🚀")),
    ("A green frog sitting on a lily pad", one("🐸")),
    ("A birthday cake with candles", one("🎂")),
    ("A yellow taxi in the rain", one("🚕")),
    ("A whale swimming under the sea", WHALE),
    ("A lion resting on a rock", one("🦁")),
)

HELD_OUT_KO: tuple[tuple[str, frozenset[str]], ...] = (
    ("창가에서 자고 있는 주황색 고양이", CAT),
    ("노을 지는 빙산 위의 펭귄 두 마리", one("🐧")),
    ("밤거리에 세워진 빨간 스포츠카", CAR),
    ("젓가락이 놓인 라면 한 그릇", one("🍜")),
    ("지구 위를 떠다니는 우주비행사", ASTRONAUT),
    ("눈밭에서 뛰노는 강아지", DOG),
    ("잔잔한 호수 위의 돛단배", one("⛵")),
    ("산속 다리를 건너는 증기 기관차", one("🚂")),
    ("페퍼로니 피자 한 조각", one("🍕")),
    ("어두운 숲속 나뭇가지에 앉은 부엉이", one("🦉")),
    ("파도 위로 뛰어오르는 돌고래", one("🐬")),
    ("꽃병에 꽂힌 해바라기", SUNFLOWER),
    ("손을 흔드는 친절한 로봇", one("🤖")),
    ("흰 접시 위의 딸기 세 개", one("🍓")),
    ("성 위로 불을 뿜는 용", DRAGON),
    ("대나무를 먹는 판다", one("🐼")),
    ("벽돌 벽에 기대어 있는 자전거", one("🚲")),
    ("비 오는 아침의 따뜻한 커피 한 잔", one("☕")),
    ("당근 코를 가진 눈사람", SNOWMAN),
    ("김밥을 먹는 토끼", RABBIT),
    ("해변에 누워 있는 거북이", one("🐢")),
    ("자동차를 운전하는 곰", BEAR),
    ("촛불이 켜진 생일 케이크", one("🎂")),
    ("빗속의 노란 택시", one("🚕")),
    ("바닷속을 헤엄치는 고래", WHALE),
    ("바위 위에서 쉬고 있는 사자", one("🦁")),
)

TUNING_EN: tuple[tuple[str, frozenset[str]], ...] = (
    ("A cute baby sea otter", one("🦦")),
    ("A cute baby sea otter wearing a beret", one("🦦")),
    ("Create a variation of this image: the same otter, at sunset", one("🦦")),
    ("A red bicycle on a beach", one("🚲")),
    ("Two cats on a sofa", CAT),
    ("A cat playing the piano", CAT),
    ("A mushroom pizza", one("🍕")),
    ("A lighthouse on a cliff", frozenset()),
    ("A horse running through a meadow", one("🐎")),
    ("A blue whale at night", WHALE),
    ("A teddy bear on a bed", one("🧸")),
    ("A fox in the snow", one("🦊")),
    ("An apple and a banana on a table", one("🍎")),
    ("A hamburger with fries", one("🍔")),
    ("A butterfly on a flower", one("🦋")),
    ("A small boat in a storm", one("⛵", "🚤", "🛶", "🚣")),
    ("A dog chasing a ball in the park", DOG),
    ("An airplane above the clouds", one("✈")),
    ("A turtle on the beach", one("🐢")),
    ("A rabbit eating a carrot", RABBIT),
)

TUNING_KO: tuple[tuple[str, frozenset[str]], ...] = (
    ("귀여운 아기 수달", one("🦦")),
    ("베레모를 쓴 귀여운 아기 수달", one("🦦")),
    ("해변의 빨간 자전거", one("🚲")),
    ("소파 위의 고양이 두 마리", CAT),
    ("고양이가 피아노를 친다", CAT),
    ("버섯 피자", one("🍕")),
    ("김치찌개 한 그릇", one("🍲")),
    ("자전거를 탄 사람", one("🚲", "🚴")),
    ("초원을 달리는 말", one("🐎")),
    ("밤바다의 파란 고래", WHALE),
    ("침대 위의 곰 인형", one("🧸")),
    ("눈 속의 여우", one("🦊")),
    ("탁자 위의 사과와 바나나", one("🍎")),
    ("감자튀김과 햄버거", one("🍟", "🍔")),
    ("꽃 위의 나비", one("🦋")),
    ("공원에서 공을 쫓는 강아지", DOG),
    ("구름 위의 비행기", one("✈")),
    ("당근을 먹는 토끼", RABBIT),
    ("수달이 조개를 먹고 있다", one("🦦")),
    ("등대가 있는 절벽", frozenset()),
)

PROMPT_SETS = {
    "held-out en": HELD_OUT_EN,
    "held-out ko": HELD_OUT_KO,
    "tuning en": TUNING_EN,
    "tuning ko": TUNING_KO,
}


def accuracy(prompts: tuple[tuple[str, frozenset[str]], ...]) -> tuple[int, list[str]]:
    """How many prompts get the right main subject from the sandbox's picker, and the ones that do not."""
    from sandbox.engines.subjects import read_prompt

    right, wrong = 0, []
    for prompt, expected in prompts:
        main = read_prompt(prompt).main
        got = main.emoji.char if main else None
        if (got in expected) if expected else got is None:
            right += 1
        else:
            wrong.append(f"{prompt} -> {main.describe() if main else 'none'}")
    return right, wrong


if __name__ == "__main__":
    for set_name, prompts in PROMPT_SETS.items():
        hits, misses = accuracy(prompts)
        print(f"{set_name}: main subject right {hits}/{len(prompts)}")
        for line in misses:
            print(f"  - {line}")
