"""YouTube Studio's export headers in the Studio UI languages creators use most.

Studio writes its headers in the channel owner's UI language (EXPORTS.md: "headers are
localised with the Studio language (e.g. Japanese `推定収益 (JPY)`)"). The English header is
the key; each value lists that header in Japanese, German, French, Spanish, Portuguese and
Simplified Chinese. The Japanese, German and Portuguese per-video headers and the French and
Spanish metric names were checked against public parsers of real exports; the rest follow
Studio's UI strings for the same metric. A spelling that no export uses costs nothing: a
header is matched exactly (case, spaces and width ignored), never by similarity.
"""

from __future__ import annotations

# English header (as in youtube.METRICS / DIMENSIONS / descriptive columns) -> translations
METRICS: dict[str, tuple[str, ...]] = {
    "views": ("視聴回数", "Aufrufe", "Vues", "Visualizaciones", "Visualizações", "观看次数"),
    "watch time (hours)": (
        "総再生時間（単位: 時間）",
        "総再生時間",
        "Wiedergabezeit (Stunden)",
        "Durée de visionnage (heures)",
        "Tiempo de visualización (horas)",
        "Tempo de exibição (horas)",
        "观看时长（小时）",
        "总观看时长（小时）",
    ),
    "subscribers": (
        "チャンネル登録者",
        "Abonnenten",
        "Abonnés",
        "Suscriptores",
        "Inscritos",
        "订阅人数",
    ),
    "subscribers gained": (
        "登録者増加数",
        "Gewonnene Abonnenten",
        "Nouveaux abonnés",
        "Abonnés gagnés",
        "Suscriptores ganados",
        "Inscritos ganhos",
        "新增订阅人数",
    ),
    "impressions": (
        "インプレッション数",
        "Impressionen",
        "Impresiones",
        "Impressões",
        "展示次数",
    ),  # French keeps `Impressions`
    "impressions click-through rate (%)": (
        "インプレッションのクリック率 (%)",
        "Klickrate der Impressionen (%)",
        "Taux de clics par impression (%)",
        "Taux de clics des impressions (%)",
        "Porcentaje de clics de las impresiones (%)",
        "CTR de las impresiones (%)",
        "Taxa de cliques de impressões (%)",
        "展示次数点击率 (%)",
    ),
    "average view duration": (
        "平均視聴時間",
        "Durchschnittliche Wiedergabedauer",
        "Durée moyenne d'une vue",
        "Durée moyenne de visionnage",
        "Duración media de la visualización",
        "Duración media de las visualizaciones",
        "Duração média da visualização",
        "平均观看时长",
    ),
    "average percentage viewed (%)": (
        "平均再生率 (%)",
        "平均視聴率 (%)",
        "Durchschnittlich angesehen (%)",
        "Pourcentage moyen de vidéo regardé (%)",
        "Porcentaje medio visto (%)",
        "Porcentagem visualizada média (%)",
        "平均观看百分比 (%)",
    ),
    "likes": (
        "高評価数",
        "高評価",
        "Mag ich",
        "J'aime",
        "Me gusta",
        'Marcações "Gostei"',
        "Curtidas",
        "顶",
    ),
    "shares": (
        "共有数",
        "Geteilte Inhalte",
        "Partages",
        "Compartidos",
        "Compartilhamentos",
        "分享次数",
    ),
    "comments added": (
        "追加されたコメント",
        "Hinzugefügte Kommentare",
        "Commentaires ajoutés",
        "Comentarios añadidos",
        "Comentários adicionados",
        "添加的评论数",
    ),
    "engaged views": (
        "エンゲージ ビュー",
        "Interaktionsaufrufe",
        "Vues engagées",
        "Visualizaciones con interacción",
        "Visualizações engajadas",
        "互动观看次数",
    ),
    "unique viewers": (
        "ユニーク視聴者数",
        "Einzelne Zuschauer",
        "Spectateurs uniques",
        "Espectadores únicos",
        "唯一身份观看者",
    ),
    "estimated revenue": (
        "推定収益",
        "Geschätzter Umsatz",
        "Revenus estimés",
        "Ingresos estimados",
        "Receita estimada",
        "估算收入",
    ),
}
# the first column of a per-video table (the video id) and of a per-day table
CONTENT = ("コンテンツ", "Videos", "Contenu", "Contenido", "Conteúdo", "内容")
DATE = ("日付", "Datum", "Fecha", "Data", "日期")
DESCRIPTIVE: dict[str, tuple[str, ...]] = {
    "video title": (
        "動画のタイトル",
        "Videotitel",
        "Titre de la vidéo",
        "Título del vídeo",
        "Título del video",
        "Título do vídeo",
        "视频标题",
    ),
    "video publish time": (
        "動画公開時刻",
        "Veröffentlichungszeitpunkt des Videos",
        "Heure de publication de la vidéo",
        "Hora de publicación del vídeo",
        "Horário de publicação do vídeo",
        "视频发布时间",
    ),
    "duration": ("長さ", "Dauer", "Durée", "Duración", "Duração", "时长"),
}
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "traffic source": (
        "トラフィック ソース",
        "Besucherquelle",
        "Source de trafic",
        "Fuente de tráfico",
        "Origem do tráfego",
        "流量来源",
    ),
    "geography": ("地域", "Geografie", "Zone géographique", "Geografía", "Geografia", "地理位置"),
    "cities": ("都市", "Städte", "Villes", "Ciudades", "Cidades", "城市"),
    "subscription status": (
        "登録状況",
        "Abostatus",
        "État de l'abonnement",
        "Estado de suscripción",
        "Status da inscrição",
        "订阅状态",
    ),
    "viewer age": (
        "視聴者の年齢",
        "Alter der Zuschauer",
        "Âge de l'audience",
        "Edad del espectador",
        "Idade do espectador",
        "观众年龄",
    ),
    "viewer gender": (
        "視聴者の性別",
        "Geschlecht der Zuschauer",
        "Sexe de l'audience",
        "Género del espectador",
        "Gênero do espectador",
        "观众性别",
    ),
    "device type": (
        "デバイスの種類",
        "Gerätetyp",
        "Type d'appareil",
        "Tipo de dispositivo",
        "设备类型",
    ),
    "content type": (
        "コンテンツの種類",
        "Art des Inhalts",
        "Type de contenu",
        "Tipo de contenido",
        "Tipo de conteúdo",
        "内容类型",
    ),
}
