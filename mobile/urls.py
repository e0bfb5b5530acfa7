"""My work (我的待办), under /m/."""

from django.urls import path

from . import views

app_name = "mobile"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("open/<str:key>/", views.open_item, name="open"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/receive/", views.task_receive, name="task_receive"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/problem/", views.project_problem, name="project_problem"),
    path("problems/<int:pk>/", views.blocker_page, name="blocker"),
]
