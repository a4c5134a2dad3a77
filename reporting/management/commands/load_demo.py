from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_ADMIN = ("admin", "Minsheng@2023")


class Command(BaseCommand):
    help = "创建演示账号（仅供本地演示，生产环境不得使用）。可重复执行。"

    def handle(self, *args, **options):
        user_model = get_user_model()
        username, password = DEMO_ADMIN
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username, "", password)
            self.stdout.write(f"已创建演示账号 {username}")
        else:
            self.stdout.write("演示账号已存在，无改动。")
