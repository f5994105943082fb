from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.course import FIRST_COURSE, load_course


class Command(BaseCommand):
    help = "Load a course from content/<course>/ (the first course by default). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(FIRST_COURSE))

    def handle(self, *args, directory: str, **options):
        path = Path(directory)
        if not (path / "course.json").is_file():
            raise CommandError(f"No course.json in {path}.")
        report = load_course(path)
        self.stdout.write(
            f"Course loaded from {path.name}: {len(report.created)} created, "
            f"{len(report.kept)} already present (left as they are)."
        )
