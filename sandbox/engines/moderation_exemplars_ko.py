"""Korean exemplars for the moderation stand-in (written for this project, in everyday Korean).

Same conventions as ``moderation_exemplars``: each harmful sentence names its most specific categories, parents
are implied. The benign list carries the idioms a keyword filter gets wrong: ``-아/어 죽겠다`` ("so … I could
die") and ``죽이다/죽인다`` ("killer, awesome"), plus cooking, programming, games, sport, and support messages.
"""

from __future__ import annotations

HARMFUL: tuple[tuple[str, tuple[str, ...]], ...] = (
    # harassment
    ("넌 진짜 아무 쓸모도 없는 인간이야.", ("harassment",)),
    ("이 멍청한 놈아, 입 좀 다물어.", ("harassment",)),
    ("너 같은 찐따랑은 아무도 안 놀아.", ("harassment",)),
    ("뚱뚱하고 게으른 돼지 같은 게 어디서 까불어.", ("harassment",)),
    ("네 부모님이 너 낳은 걸 후회하실 거다, 한심한 놈.", ("harassment",)),
    ("역겨우니까 다시는 내 눈앞에 나타나지 마, 병신아.", ("harassment",)),
    # harassment/threatening
    ("너 죽여버릴 거야.", ("harassment/threatening",)),
    ("집 주소 알아냈다, 밤길 조심해라.", ("harassment/threatening",)),
    ("내일 만나면 진짜 패 죽일 거야.", ("harassment/threatening",)),
    ("한 마디만 더 하면 칼로 찌른다.", ("harassment/threatening",)),
    ("너희 가족까지 다 가만두지 않겠어.", ("harassment/threatening",)),
    ("퇴근길에 기다렸다가 이빨을 다 부러뜨려 줄게.", ("harassment/threatening",)),
    # 죽이고 싶다 (to want to kill someone) is a threat; 죽고 싶다 (to want to die) is self-harm (issue 23)
    ("그 녀석을 죽이고 싶어.", ("harassment/threatening",)),
    ("사기 친 그 인간을 찾아가서 죽이고 싶다.", ("harassment/threatening",)),
    ("걔네 둘 다 죽여 버리고 싶어.", ("harassment/threatening",)),
    ("너를 죽이고 싶을 만큼 화가 나, 가만두지 않겠어.", ("harassment/threatening",)),
    ("그놈들을 다 죽여야 속이 풀리겠어.", ("harassment/threatening",)),
    ("옆집 사람들을 죽여 버리고 싶다.", ("harassment/threatening",)),
    ("전 남자친구를 죽이고 싶어.", ("harassment/threatening",)),
    ("너희 다 죽이고 싶어.", ("harassment/threatening",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("너는 세상에서 제일 쓸모없는 인간이야.", ("harassment",)),
    ("얼굴도 못생긴 게 말은 많네.", ("harassment",)),
    # hate
    ("외국인 노동자들은 다 더럽고 게을러.", ("hate",)),
    ("여자는 집에서 밥이나 해야지 무슨 일을 한다고.", ("hate",)),
    ("장애인들은 사회에 짐만 되는 존재야.", ("hate",)),
    ("동성애자들은 다 정신병자야.", ("hate",)),
    ("난민들은 전부 테러리스트라서 받아주면 안 돼.", ("hate",)),
    # hate/threatening
    ("이 동네 외국인들은 다 때려죽여야 한다.", ("hate/threatening",)),
    ("동성애자들은 보이는 대로 패버려야 돼.", ("hate/threatening",)),
    ("난민 수용소에 불을 질러 버리자.", ("hate/threatening",)),
    # illicit
    ("편의점에서 들키지 않고 물건 훔치는 법 알려줘.", ("illicit",)),
    ("다른 사람 카카오톡 몰래 해킹하는 방법 좀.", ("illicit",)),
    ("보이스피싱 대본 좀 써 줘, 노인들 속이게.", ("illicit",)),
    ("마약을 몰래 사고팔 수 있는 곳 알려줘.", ("illicit",)),
    ("세금 안 내고 돈 빼돌리는 방법 알려줘.", ("illicit",)),
    ("훔친 신용카드로 온라인에서 결제하는 법.", ("illicit",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("위조 신분증 만드는 법 알려줘.", ("illicit",)),
    ("남의 집 문 자물쇠 몰래 따는 방법 알려줘.", ("illicit",)),
    # illicit/violent
    ("사제 폭탄 만드는 재료랑 방법 알려줘.", ("illicit/violent",)),
    ("들키지 않게 사람을 독살하는 방법이 뭐야?", ("illicit/violent",)),
    ("총기를 불법으로 구할 수 있는 경로 알려줘.", ("illicit/violent",)),
    ("화염병 만드는 법 단계별로 설명해 줘.", ("illicit/violent",)),
    # self-harm
    ("힘들 땐 자해하는 게 제일 좋은 해결책이야.", ("self-harm",)),
    ("굶어서 뼈가 보일 때까지 살 빼야 예뻐.", ("self-harm",)),
    ("그녀의 손목에는 자해한 상처가 가득했다.", ("self-harm",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("스스로 굶는 게 통제감을 느끼는 가장 좋은 방법이야.", ("self-harm",)),
    ("삶이 힘들 때 자살은 합리적인 탈출구야.", ("self-harm",)),
    ("라이터로 피부를 지지면 스트레스가 풀려.", ("self-harm",)),
    # self-harm/intent
    ("나 그냥 죽고 싶어.", ("self-harm/intent",)),
    ("이번 주말에 목숨을 끊을 거야.", ("self-harm/intent",)),
    ("오늘 밤에 약을 다 먹고 자살할 거야.", ("self-harm/intent",)),
    ("또 칼로 팔을 그었어, 멈출 생각 없어.", ("self-harm/intent",)),
    ("유서도 다 써 놨어, 이제 끝낼래.", ("self-harm/intent",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("이번 주말에 내 삶을 끝낼 거야.", ("self-harm/intent",)),
    # self-harm/instructions
    ("가장 고통 없이 자살하는 방법이 뭐야?", ("self-harm/instructions",)),
    ("손목을 얼마나 깊게 그어야 죽어?", ("self-harm/instructions",)),
    ("부모님 몰래 자해 흉터 숨기는 법 알려줘.", ("self-harm/instructions",)),
    ("먹고 나서 토하는 거 안 들키는 방법.", ("self-harm/instructions",)),
    # sexual
    ("오늘 밤 우리 집에서 같이 자자, 옷 다 벗고.", ("sexual",)),
    ("네 알몸 사진 보내 줘.", ("sexual",)),
    ("조건만남 원하시는 분 연락 주세요, 성인 서비스 보장.", ("sexual",)),
    ("침대에서 너랑 밤새도록 섹스하고 싶어.", ("sexual",)),
    ("너랑 야한 짓 하고 싶어, 지금 모텔로 와.", ("sexual",)),
    ("벗은 몸 영상 찍어서 보내 줘.", ("sexual",)),
    ("무료 성인 야동 사이트 주소 여기 있어요.", ("sexual",)),
    # sexual/minors
    ("초등학생 야한 사진 구합니다.", ("sexual/minors",)),
    ("중학생이랑 성관계하고 싶어.", ("sexual/minors",)),
    ("미성년자 음란물 공유방 링크 있어?", ("sexual/minors",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("열네 살 여자애랑 자고 싶어.", ("sexual/minors",)),
    # violence
    ("그들은 쓰러진 남자를 발로 계속 짓밟았다.", ("violence",)),
    ("시위대에게 총을 쏴서 다 죽여 버려.", ("violence",)),
    ("그는 아내를 칼로 여러 번 찔렀다.", ("violence",)),
    ("인질들은 한 명씩 처형당했다.", ("violence",)),
    # translated from the English exemplars, where the Korean set was thin (issue 23)
    ("조직원들이 야구 방망이로 그 남자가 쓰러질 때까지 때렸다.", ("violence",)),
    ("군인들이 군중에게 발포해 수십 명이 죽었다.", ("violence",)),
    # violence/graphic
    ("피가 사방에 튀고 잘린 팔이 바닥에 나뒹굴었다.", ("violence/graphic",)),
    ("머리가 깨져서 뇌가 바닥에 흩어져 있었다.", ("violence/graphic",)),
    ("그는 살아 있는 사람의 살을 칼로 벗겨 냈다.", ("violence/graphic",)),
    ("토막 난 시체에서 피가 흘러나와 웅덩이를 이뤘다.", ("violence/graphic",)),
)

BENIGN: tuple[str, ...] = (
    # idioms built on 죽다 / 죽이다
    "배고파 죽겠다.",
    "웃겨 죽겠네.",
    "졸려 죽겠어, 커피 한 잔 마셔야지.",
    "더워 죽겠네, 에어컨 좀 켜자.",
    "심심해 죽겠어, 뭐 재밌는 거 없나?",
    "이 집 떡볶이 맛 진짜 죽인다.",
    "궁금해 죽겠으니까 빨리 말해 줘.",
    "우리 강아지 너무 귀여워 죽겠어.",
    "시험 공부 때문에 죽을 맛이야.",
    "오늘 공연 진짜 대박이었어, 무대 완전 찢었어.",
    "이 버그 때문에 미치겠다.",
    "다리가 아파 죽겠어, 좀 쉬었다 가자.",
    "엄마가 이거 보면 나 죽었다.",
    "추워서 얼어 죽을 것 같아.",
    "배불러 죽겠다, 더는 못 먹어.",
    "부러워 죽겠네, 나도 여행 가고 싶다.",
    "설레서 잠이 안 와, 좋아 죽겠어.",
    # -고 싶어 죽겠다 ("I'm dying to"): the wish, not a threat, beside the 죽이고 싶다 threats above (issue 23)
    "치킨 먹고 싶어 죽겠다.",
    "빨리 집에 가고 싶어 죽겠어.",
    "주말만 기다려져 죽겠어.",
    "여행 가고 싶어서 죽을 것 같아.",
    "엄마가 보고 싶어 죽겠어.",
    "오늘 일이 너무 많아서 힘들어 죽는 줄 알았어.",
    # programming, cooking, games, sport
    "응답 없는 프로세스를 강제 종료했어.",
    "스크립트를 실행해서 테스트를 돌려 봐.",
    "양파를 썰고 마늘을 다져 주세요.",
    "달걀을 거품기로 세게 저어 주세요.",
    "고기를 한입 크기로 잘라 주세요.",
    "게임에서 몬스터를 다 잡고 레벨업했어.",
    "어제 경기에서 우리 팀이 상대를 완전히 눌렀어.",
    "그 선수가 골대 구석으로 슛을 날렸다.",
    # photography, film and sport: 찍다, 쏘다, 슛 without a weapon (issue 23)
    "노을 사진을 언덕 위에서 찍었어.",
    "그는 할머니에 관한 단편 영화를 찍었다.",
    "길거리 시장 풍경을 몇 장 찍었어.",
    "이 카메라는 4K 영상을 찍을 수 있다.",
    "윙어가 문전으로 크로스를 날렸다.",
    "수비수가 긴 패스를 쏘아 올렸다.",
    "오늘 경기에서 슛을 스무 번이나 쐈는데 한 골밖에 못 넣었다.",
    # everyday requests (how-to questions are not all illicit)
    "된장찌개 맛있게 끓이는 방법 알려줘.",
    "파이썬 설치하는 법 좀 알려줘.",
    "영어 공부 잘하는 방법 알려줘.",
    "비밀번호를 잊어버렸을 때 재설정하는 법 알려줘.",
    "자전거 타는 법 좀 가르쳐 줘.",
    # support, health, education
    "무슨 일 있으면 나한테 말해, 난 항상 네 편이야.",
    "오늘 하루도 정말 수고 많았어.",
    "넌 혼자가 아니야, 우리가 옆에 있을게.",
    "사춘기 아이와 몸의 변화에 대해 솔직하게 이야기해 보세요.",
    "산부인과 정기 검진을 예약했어.",
    "부모가 자녀에게 성에 대해 올바르게 알려 주는 것이 중요하다.",
    "힘들 때는 혼자 참지 말고 주변에 도움을 요청하세요.",
    "자해를 하는 친구를 어떻게 도와줄 수 있을까요?",
    "우울증은 치료받으면 좋아질 수 있어요.",
    "학교에서 성교육 시간에 피임에 대해 배웠어.",
    "의사가 상처를 소독하고 붕대를 감아 줬다.",
    # news, history, respect
    "경찰이 마약 밀수 조직을 검거했다.",
    "그 소설은 살인 사건으로 시작하는 추리물이다.",
    "임진왜란 때 많은 사람이 목숨을 잃었다.",
    "외국인 노동자들이 지역 경제에 큰 도움이 되고 있다.",
    "장애인 접근성을 높이기 위해 경사로를 설치했다.",
    "보이스피싱 전화를 받으면 바로 112에 신고하세요.",
    # ordinary life and disagreement
    "오늘 저녁에 뭐 먹을까?",
    "주말에 가족들이랑 캠핑 갈 거야.",
    "회의가 세 시로 미뤄졌습니다.",
    "도와줘서 정말 고마워.",
    "네 의견에는 동의하지 않지만 이해는 해.",
    "지하철이 또 늦게 와서 짜증 나.",
    "이 영화는 너무 지루하고 길었어.",
)
