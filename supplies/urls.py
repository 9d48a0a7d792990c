from django.urls import path

from supplies.views import cards, home, placements, sites, stock

app_name = "supplies"
urlpatterns = [
    path("", home.home, name="home"),
    path("round/", home.restock_round, name="round"),
    path("movements/", home.movement_list, name="movement_list"),
    path("movements/<uuid:entry>/correct/", stock.reverse_entry, name="reverse_entry"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_create, name="site_create"),
    path("sites/export.<str:fmt>", sites.site_export, name="site_export"),
    path("sites/<int:pk>/", sites.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", sites.site_edit, name="site_edit"),
    path("sites/<int:pk>/cards/", cards.site_cards, name="site_cards"),
    path("sites/<int:pk>/restock/", stock.restock, name="restock"),
    path("sites/<int:pk>/stock-take/", stock.site_stock_take, name="site_stock_take"),
    path("hand-out/", stock.hand_out, name="hand_out"),
    path("store/receive/", stock.receive, name="receive"),
    path("store/stock-take/", stock.store_stock_take, name="store_stock_take"),
    path("dispose/", stock.dispose, name="dispose"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_edit, name="placement_create"),
    path("placements/export.<str:fmt>", placements.placement_export, name="placement_export"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/cards/", cards.placement_cards, name="placement_cards"),
    path("placements/<int:pk>/edit/", placements.placement_edit, name="placement_edit"),
]
