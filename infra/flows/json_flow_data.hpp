#pragma once
// Adapter: a flow's typed data as a JSON object (FlowDataCodec), one member per field; the flow
// repository then stores it encrypted.
#include "domain/flows/flow.hpp"

namespace guichet::infra {

class JsonFlowDataCodec final : public FlowDataCodec {
public:
    std::string write(const std::function<void(FlowFields&)>& fields) const override;
    void read(const std::string& stored, const std::function<void(FlowFields&)>& fields) const override;
};

}  // namespace guichet::infra
