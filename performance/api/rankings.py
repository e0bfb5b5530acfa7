"""STUB (replaced by the rankings work): /api/v1/rankings/."""

from rest_framework.response import Response
from rest_framework.views import APIView


class RankingsView(APIView):
    def get(self, request):
        return Response({})
