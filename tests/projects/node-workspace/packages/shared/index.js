exports.message = () => "shared says corpus v1";
