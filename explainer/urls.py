from django.urls import path

from explainer import views

app_name = "explainer"

urlpatterns = [
    path("", views.index, name="index"),
    path("compare", views.compare, name="compare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/explanation", views.explanation_partial, name="explanation"),
    path("<int:pk>/documentation.md", views.documentation, name="documentation"),
]
