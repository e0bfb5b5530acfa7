from core.rest.viewsets import ReadOnlyViewSet

from ..models import CounterpartPairing, Division, Park
from .filters import CounterpartPairingFilter, DivisionFilter, ParkFilter
from .serializers import CounterpartPairingSerializer, DivisionSerializer, ParkSerializer


class DivisionViewSet(ReadOnlyViewSet):
    """Administrative divisions (行政区划) with their GB/T 2260 codes."""

    queryset = Division.objects.select_related("parent")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilter
    search_fields = ["name", "name_en", "code"]
    ordering_fields = ["code", "name"]


class ParkViewSet(ReadOnlyViewSet):
    """Parks (园区): development zones, new areas, co-built parks, parks-in-parks, platforms."""

    queryset = Park.objects.select_related("division", "partner_division", "host_park")
    serializer_class = ParkSerializer
    filterset_class = ParkFilter
    search_fields = ["name", "name_en"]
    ordering_fields = ["name"]


class CounterpartPairingViewSet(ReadOnlyViewSet):
    """County-to-district pairings (一县一区)."""

    queryset = CounterpartPairing.objects.select_related("home", "counterpart")
    serializer_class = CounterpartPairingSerializer
    filterset_class = CounterpartPairingFilter
    search_fields = ["home__name", "counterpart__name", "areas"]
    ordering_fields = ["established_on"]
