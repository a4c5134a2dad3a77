from reporting.models import Submission


def demo_data(request):
    """Every page that shows figures says plainly when demo figures are in the database."""
    if not request.user.is_authenticated:
        return {"demo_data_present": False}
    return {"demo_data_present": Submission.objects.filter(is_demo=True).exists()}
