package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	vpcep "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpcep/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpcep/v1/model"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// newService creates, through the SDK, a service with approval and n
// consumer endpoints, and returns their ids in creation order.
func newService(t *testing.T, c *vpcep.VpcepClient, n int) (string, []string) {
	t.Helper()
	svc, err := c.CreateEndpointService(&model.CreateEndpointServiceRequest{Body: &model.CreateEndpointServiceRequestBody{
		PortId: "4189d3c2-8882-4871-a3c2-d380272eed83", VpcId: "4189d3c2-8882-4871-a3c2-d380272eed80",
		ServerType:      model.GetCreateEndpointServiceRequestBodyServerTypeEnum().VM,
		ApprovalEnabled: ptr(true), ServiceName: ptr("conformance"),
		Ports: []model.PortList{{ClientPort: ptr(int32(443)), ServerPort: ptr(int32(8443)), Protocol: ptr(model.GetPortListProtocolEnum().TCP)}},
	}})
	if err != nil {
		t.Fatalf("CreateEndpointService: %v", err)
	}
	if svc.Id == nil || svc.ApprovalEnabled == nil || !*svc.ApprovalEnabled || svc.ServiceName == nil || !strings.HasSuffix(*svc.ServiceName, "conformance."+*svc.Id) {
		t.Fatalf("CreateEndpointService answered %+v", svc)
	}
	var eps []string
	for range n {
		ep, err := c.CreateEndpoint(&model.CreateEndpointRequest{Body: &model.CreateEndpointRequestBody{
			EndpointServiceId: *svc.Id, VpcId: "vpc-consumer", SubnetId: ptr("subnet-consumer"),
		}})
		if err != nil {
			t.Fatalf("CreateEndpoint: %v", err)
		}
		if ep.Id == nil || ep.Status == nil || *ep.Status != "pendingAcceptance" {
			t.Fatalf("CreateEndpoint answered %+v", ep)
		}
		eps = append(eps, *ep.Id)
	}
	return *svc.Id, eps
}

// serviceWithEndpoints starts a mock and creates, through the SDK's client
// for the default project, a service with n endpoints.
func serviceWithEndpoints(t *testing.T, n int) (*mockServer, *vpcep.VpcepClient, string, []string) {
	t.Helper()
	m := newMock(t)
	c := defaultClient(t, m.URL)
	svc, eps := newService(t, c, n)
	return m, c, svc, eps
}

// listIDs lists the service's connections through the SDK and returns their ids and total_count.
func listIDs(t *testing.T, c *vpcep.VpcepClient, req model.ListServiceConnectionsRequest) ([]string, int32) {
	t.Helper()
	resp, err := c.ListServiceConnections(&req)
	if err != nil {
		t.Fatalf("ListServiceConnections: %v", err)
	}
	if resp.Connections == nil || resp.TotalCount == nil {
		t.Fatalf("ListServiceConnections answered no connections or total_count: %+v", resp)
	}
	var ids []string
	for _, conn := range *resp.Connections {
		if conn.Id == nil || conn.MarkerId == nil || conn.DomainId == nil || conn.CreatedAt == nil || conn.Status == nil {
			t.Fatalf("connection with a missing field: %+v", conn)
		}
		ids = append(ids, *conn.Id)
	}
	return ids, *resp.TotalCount
}

// TestUnitSDKListFiltersAndPaging catches a list the SDK cannot decode, or
// whose filters, paging and total_count differ from the API's.
func TestUnitSDKListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	_, c, svc, eps := serviceWithEndpoints(t, 5)
	statuses := model.GetListServiceConnectionsRequestStatusEnum()

	pending, total := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Status: &statuses.PENDING_ACCEPTANCE})
	if total != 5 || len(pending) != 5 {
		t.Errorf("pendingAcceptance: %v, total %d; want all 5", pending, total)
	}
	// Pages of 2, oldest first, cover every connection once.
	asc := model.GetListServiceConnectionsRequestSortDirEnum().ASC
	var paged []string
	for offset := int32(0); offset < 5; offset += 2 {
		page, total := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Limit: ptr(int32(2)), Offset: ptr(offset), SortDir: &asc})
		if total != 5 || len(page) > 2 {
			t.Errorf("page at %d: %v, total %d", offset, page, total)
		}
		paged = append(paged, page...)
	}
	if !slices.Equal(paged, eps) {
		t.Errorf("pages, oldest first: %v, want %v", paged, eps)
	}
	// Newest first is the default.
	desc, _ := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc})
	want := slices.Clone(eps)
	slices.Reverse(want)
	if !slices.Equal(desc, want) {
		t.Errorf("default order %v, want newest first %v", desc, want)
	}
	// By id, and by marker id.
	byID, total := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Id: &eps[2]})
	if total != 1 || !slices.Equal(byID, eps[2:3]) {
		t.Errorf("id=%s: %v, total %d", eps[2], byID, total)
	}
	one, err := c.ListServiceConnections(&model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Id: &eps[3]})
	if err != nil || len(*one.Connections) != 1 {
		t.Fatalf("id=%s: %v", eps[3], err)
	}
	marker := strconv.Itoa(int(*(*one.Connections)[0].MarkerId))
	byMarker, _ := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, MarkerId: &marker})
	if !slices.Equal(byMarker, eps[3:4]) {
		t.Errorf("marker_id=%s: %v, want %s", marker, byMarker, eps[3])
	}
	// Sorted by update time.
	byUpdate := model.GetListServiceConnectionsRequestSortKeyEnum().UPDATE_AT
	if ids, total := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, SortKey: &byUpdate, SortDir: &asc}); total != 5 || len(ids) != 5 {
		t.Errorf("sort_key=updated_at: %v, total %d", ids, total)
	}
}

// TestUnitSDKReceiveAndReject catches a decision the SDK cannot send, an
// answer it cannot decode, or a status that differs from the API's state machine.
func TestUnitSDKReceiveAndReject(t *testing.T) {
	t.Parallel()
	m, c, svc, eps := serviceWithEndpoints(t, 3)
	actions := model.GetAcceptOrRejectEndpointRequestBodyActionEnum()
	decide := func(action model.AcceptOrRejectEndpointRequestBodyAction, ep string) string {
		t.Helper()
		resp, err := c.AcceptOrRejectEndpoint(&model.AcceptOrRejectEndpointRequest{VpcEndpointServiceId: svc,
			Body: &model.AcceptOrRejectEndpointRequestBody{Action: action, Endpoints: []string{ep}}})
		if err != nil {
			t.Fatalf("%s %s: %v", action.Value(), ep, err)
		}
		if resp.Connections == nil || len(*resp.Connections) != 1 || *(*resp.Connections)[0].Id != ep {
			t.Fatalf("%s %s answered %+v", action.Value(), ep, resp)
		}
		return *(*resp.Connections)[0].Status
	}
	if got := decide(actions.RECEIVE, eps[0]); got != vpcepmock.StatusAccepted {
		t.Errorf("receive: %s, want accepted (no transition delay)", got)
	}
	if got := decide(actions.REJECT, eps[1]); got != vpcepmock.StatusRejected {
		t.Errorf("reject: %s", got)
	}
	// A repeated receive changes nothing and is no error.
	if got := decide(actions.RECEIVE, eps[0]); got != vpcepmock.StatusAccepted {
		t.Errorf("receive again: %s", got)
	}
	statuses := model.GetListServiceConnectionsRequestStatusEnum()
	if ids, _ := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Status: &statuses.ACCEPTED}); !slices.Equal(ids, eps[:1]) {
		t.Errorf("accepted: %v, want %v", ids, eps[:1])
	}
	if ids, _ := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Status: &statuses.REJECTED}); !slices.Equal(ids, eps[1:2]) {
		t.Errorf("rejected: %v, want %v", ids, eps[1:2])
	}
	// The description call, through the SDK's own model.
	desc, err := c.UpdateEndpointConnectionsDesc(&model.UpdateEndpointConnectionsDescRequest{VpcEndpointServiceId: svc,
		Body: &model.UpdateEndpointConnectionsDescRequestBody{Connections: []model.ConnectionsDesc{{Id: eps[2], Description: "from the SDK"}}}})
	if err != nil || desc.Connections == nil || len(*desc.Connections) != 1 || *(*desc.Connections)[0].Description != "from the SDK" {
		t.Errorf("UpdateEndpointConnectionsDesc: %+v, %v", desc, err)
	}
	// The mock recorded exactly the two effective decisions.
	if acts := m.Actions(); len(acts) != 2 || acts[0].EndpointID != eps[0] || acts[1].EndpointID != eps[1] {
		t.Errorf("mock's action log: %+v", acts)
	}
}

// TestUnitSDKRefusals catches an error the SDK cannot read: each refusal must
// reach the SDK's caller with the API's status, code, message and request id.
func TestUnitSDKRefusals(t *testing.T) {
	t.Parallel()
	m, c, svc, eps := serviceWithEndpoints(t, 2)
	url := m.URL
	actions := model.GetAcceptOrRejectEndpointRequestBodyActionEnum()
	act := func(service string, endpoints ...string) error {
		_, err := c.AcceptOrRejectEndpoint(&model.AcceptOrRejectEndpointRequest{VpcEndpointServiceId: service,
			Body: &model.AcceptOrRejectEndpointRequestBody{Action: actions.RECEIVE, Endpoints: endpoints}})
		return err
	}
	wantAPIError(t, "unknown endpoint", act(svc, "4189d3c2-0000-4871-a3c2-d380272eed88"), 400, "EndPoint.2013")
	wantAPIError(t, "two endpoints", act(svc, eps...), 400, "EndPoint.2031")
	wantAPIError(t, "no endpoint", act(svc), 400, "EndPoint.0002")
	wantAPIError(t, "unknown service", act("4189d3c2-0000-0000-a3c2-d380272eed88", eps[0]), 404, "EndPoint.0005")
	_, err := c.ListServiceConnections(&model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc, Limit: ptr(int32(1001))})
	wantAPIError(t, "limit=1001", err, 400, "EndPoint.0006")
	_, err = c.UpdateEndpointConnectionsDesc(&model.UpdateEndpointConnectionsDescRequest{VpcEndpointServiceId: svc,
		Body: &model.UpdateEndpointConnectionsDescRequestBody{Connections: []model.ConnectionsDesc{{Id: eps[0], Description: strings.Repeat("x", 513)}}}})
	wantAPIError(t, "description of 513 characters", err, 400, "EndPoint.0002")

	// Authentication and project scope, answered by the gateway and the service.
	wrongSK := vpcepClient(t, url, vpcepmock.DefaultProjectID, vpcepmock.DefaultAccessKey, "WRONGSECRETKEY", "")
	_, err = wrongSK.ListServiceConnections(&model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc})
	wantAPIError(t, "wrong secret key", err, 401, "APIGW.0301")
	other := vpcepClient(t, url, otherProject, otherAK, otherSK, "")
	_, err = other.ListServiceConnections(&model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc})
	wantAPIError(t, "another project's service", err, 404, "EndPoint.0005")
	crossed := vpcepClient(t, url, vpcepmock.DefaultProjectID, otherAK, otherSK, "")
	_, err = crossed.ListServiceConnections(&model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc})
	wantAPIError(t, "a credential on another project's path", err, 403, "EndPoint.0004")

	// Nothing was decided.
	if acts := m.Actions(); len(acts) != 0 {
		t.Errorf("refused calls changed the mock: %+v", acts)
	}
}

// TestUnitSDKConsumerSideAndDeletes catches answers of the consumer's calls
// and the deletes that the SDK cannot decode, or that differ from the API:
// list and read endpoints, describe a service, read it, delete an endpoint
// (its connection goes) and the service.
func TestUnitSDKConsumerSideAndDeletes(t *testing.T) {
	t.Parallel()
	m, c, svc, eps := serviceWithEndpoints(t, 2)
	list, err := c.ListEndpoints(&model.ListEndpointsRequest{Id: &eps[0]})
	if err != nil || list.Endpoints == nil || len(*list.Endpoints) != 1 || *(*list.Endpoints)[0].EndpointServiceId != svc || *list.TotalCount != 1 {
		t.Fatalf("ListEndpoints id=%s: %+v, %v", eps[0], list, err)
	}
	ep, err := c.ListEndpointInfoDetails(&model.ListEndpointInfoDetailsRequest{VpcEndpointId: eps[1]})
	if err != nil || ep.Id == nil || *ep.Id != eps[1] || ep.Status == nil || *ep.Status != vpcepmock.StatusPendingAcceptance ||
		ep.MarkerId == nil || ep.CreatedAt == nil || ep.ProjectId == nil || *ep.ProjectId != vpcepmock.DefaultProjectID {
		t.Fatalf("ListEndpointInfoDetails: %+v, %v", ep, err)
	}
	desc, err := c.ListServiceDescribeDetails(&model.ListServiceDescribeDetailsRequest{Id: &svc})
	if err != nil || desc.Id == nil || *desc.Id != svc || desc.CreatedAt == nil || desc.ServiceName == nil {
		t.Fatalf("ListServiceDescribeDetails: %+v, %v", desc, err)
	}
	details, err := c.ListServiceDetails(&model.ListServiceDetailsRequest{VpcEndpointServiceId: svc})
	if err != nil || details.Id == nil || *details.Id != svc || details.Ports == nil || len(*details.Ports) != 1 || details.ProjectId == nil || *details.ProjectId != vpcepmock.DefaultProjectID {
		t.Fatalf("ListServiceDetails: %+v, %v", details, err)
	}
	if _, err := c.DeleteEndpoint(&model.DeleteEndpointRequest{VpcEndpointId: eps[0]}); err != nil {
		t.Fatalf("DeleteEndpoint: %v", err)
	}
	if ids, total := listIDs(t, c, model.ListServiceConnectionsRequest{VpcEndpointServiceId: svc}); total != 1 || !slices.Equal(ids, eps[1:]) {
		t.Errorf("after DeleteEndpoint (no transition delay): %v, total %d", ids, total)
	}
	_, err = c.ListEndpointInfoDetails(&model.ListEndpointInfoDetailsRequest{VpcEndpointId: eps[0]})
	wantAPIError(t, "a deleted endpoint", err, 404, "EndPoint.0005")
	if _, err := c.DeleteEndpointService(&model.DeleteEndpointServiceRequest{VpcEndpointServiceId: svc}); err != nil {
		t.Fatalf("DeleteEndpointService: %v", err)
	}
	if _, ok := m.Endpoint(eps[1]); ok {
		t.Errorf("the mock still has endpoint %s of the deleted service", eps[1])
	}
	_, err = c.ListServiceDetails(&model.ListServiceDetailsRequest{VpcEndpointServiceId: svc})
	wantAPIError(t, "a deleted service", err, 404, "EndPoint.0005")
}
