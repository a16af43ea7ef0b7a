from django.urls import path

from contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/update/", views.task_update, name="task_update"),
    path("tasks/<int:pk>/receive/", views.task_receive, name="task_receive"),
    path("tasks/<int:pk>/pdf/", views.task_pdf, name="task_pdf"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/opinion/", views.review_opinion, name="review_opinion"),
    path("reviews/<int:pk>/confirm/", views.review_confirm, name="review_confirm"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/record/", views.follow_up_record_page, name="follow_up_record"),
]
